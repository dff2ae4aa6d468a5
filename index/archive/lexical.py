"""The lexical (BM25) index of an archive's chunks: a tantivy index in ``<archive>/lexical``.

Why tantivy and not SQLite FTS5: FTS5 scores every row that matches any query word, so a news question's
common words ("new", "week", "said") made each search rank tens of thousands of chunks: 0.3-0.9 s on the
26,648-article archive, 73% of search time. Tantivy skips documents that cannot reach the top k
(block-max WAND) and filters dates on a column store: ~10 ms on the same archive and questions.

The manifest (SQLite) stays the record of what is stored; this index holds chunk ids, the fields that
filters need, and the tokenized text (not the text itself). A writer rebuilds it from the manifest when the two
disagree while no write is under way (an interrupted write, or an archive from before this index existed); a reader
just drops the hits the manifest does not hold.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import tantivy

from index.chunking import Chunk
from index.errors import ArchiveBusyError
from index.filters import ChunkFilter

LEXICAL_DIR = "lexical"
# How long a write waits for another process's writer to let go of the index.
LOCK_WAIT_SECONDS = 60.0
# Tantivy's writer splits its heap across threads and needs at least 15 MB each.
_WRITE_HEAP = 64_000_000
_BUILD_HEAP = 256_000_000


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("chunk_id", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("article_id", tokenizer_name="raw", index_option="basic")
    # Term frequencies for BM25; no positions, as nothing here searches phrases.
    builder.add_text_field("title", tokenizer_name="en_stem", index_option="freq")
    builder.add_text_field("text", tokenizer_name="en_stem", index_option="freq")
    builder.add_text_field("source", tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("published_ts", indexed=True, fast=True)
    builder.add_integer_field("n", indexed=True, fast=True)
    return builder.build()


class LexicalIndex:
    """BM25 search over chunks, with the date, source, article and first-chunk filters retrieval needs.

    Args:
        path: the index folder (``<archive>/lexical``); created if missing.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self._schema = _schema()
        self._index = tantivy.Index(self._schema, path=str(self.path), reuse=True)
        # The index object is shared by a Desk's threads: taking a searcher, parsing, reloading and opening a writer
        # go one at a time (each searcher is then used by its own call only).
        self._guard = threading.RLock()

    @staticmethod
    def exists(path: Path) -> bool:
        """Whether ``path`` holds a lexical index."""
        return (Path(path) / "meta.json").exists()

    @classmethod
    def build(cls, path: Path, chunks: Iterable[Chunk]) -> LexicalIndex:
        """A new index of ``chunks`` at ``path``, replacing whatever is there only once it is complete."""
        path = Path(path)
        partial = path.with_name(path.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        schema = _schema()
        writer = tantivy.Index(schema, path=str(partial)).writer(_BUILD_HEAP, 2)
        for chunk in chunks:
            writer.add_document(_document(chunk, schema))
        writer.commit()
        writer.wait_merging_threads()
        # Two renames, then the old files go: readers of the old index (other processes) keep their open files, and
        # the moment with no index at ``path`` is as short as it can be.
        retired = path.with_name(path.name + ".old")
        shutil.rmtree(retired, ignore_errors=True)
        if path.exists():
            path.rename(retired)
        partial.rename(path)
        shutil.rmtree(retired, ignore_errors=True)
        return cls(path)

    def replace(self, article_ids: Sequence[str], chunks: Iterable[Chunk]) -> None:
        """Drop every chunk of ``article_ids`` and add ``chunks``, in one commit.

        Raises:
            NewsDeskError: another process kept the index locked for writing for ``LOCK_WAIT_SECONDS``.
        """
        writer = self._writer()
        try:
            for article_id in article_ids:
                writer.delete_documents_by_term("article_id", article_id)
            for chunk in chunks:
                writer.add_document(_document(chunk, self._schema))
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        finally:
            # Releases the index's write lock, so another process can ingest next.
            writer.wait_merging_threads()
        self.reload()

    def reload(self) -> None:
        """See the last commit now (another process's reaches this one's searcher only after a delay)."""
        with self._guard:
            self._index.reload()

    def _writer(self) -> tantivy.IndexWriter:
        # One writer at a time per index, across processes: two ingests into one archive take turns per batch.
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                with self._guard:
                    return self._index.writer(_WRITE_HEAP, 1)
            except ValueError as exc:
                if "LockBusy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise ArchiveBusyError(
                        f"the lexical index {self.path} stayed locked by another writer for {LOCK_WAIT_SECONDS} s; "
                        "wait for the other ingest into this archive to finish, then run this one again"
                    ) from exc
                time.sleep(0.05)

    def count(self) -> int:
        """How many chunks the index holds."""
        with self._guard:
            searcher = self._index.searcher()
        return int(searcher.num_docs)

    def search(
        self, words: Sequence[str], k: int, where: ChunkFilter | None = None, *, titles_only: bool = False
    ) -> list[tuple[str, float]]:
        """The ids and BM25 scores of the ``k`` chunks that best match ``words`` and pass ``where``, best first.

        Args:
            words: lower-case query words (stemmed here as the text was).
            k: how many to return.
            where: which chunks may be returned (default: all).
            titles_only: match headlines only, one hit (the first chunk) per article.
        """
        where = where or ChunkFilter()
        if not words or where.matches_nothing:
            return []
        fields = ["title"] if titles_only else ["title", "text"]
        with self._guard:
            query = self._index.parse_query(" ".join(words), fields)
        filters = self._filters(titles_only, where)
        clauses = [(tantivy.Occur.Must, query)]
        # Filters take no part in the score.
        clauses += [(tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in filters]
        if where.exclude:
            excluded = tantivy.Query.term_set_query(self._schema, "article_id", sorted(where.exclude))
            clauses.append((tantivy.Occur.MustNot, excluded))
        if len(clauses) > 1:
            query = tantivy.Query.boolean_query(clauses)
        with self._guard:
            searcher = self._index.searcher()
        hits = searcher.search(query, k, count=False).hits
        return [(str(searcher.doc(address).get_first("chunk_id")), float(score)) for score, address in hits]

    def _filters(self, titles_only: bool, where: ChunkFilter) -> list[tantivy.Query]:
        Query, Occur = tantivy.Query, tantivy.Occur  # noqa: N806 - tantivy's own names

        def int_range(field: str, low: int | None, high: int | None) -> tantivy.Query:
            return Query.range_query(self._schema, field, tantivy.FieldType.Integer, low, high)

        filters: list[tantivy.Query] = []
        if titles_only:
            filters.append(int_range("n", 0, 0))
        if where.since_ts is not None or where.until_ts is not None:
            filters.append(int_range("published_ts", where.since_ts, where.until_ts))
        if where.as_of_ts is not None:
            undated = Query.boolean_query(
                [(Occur.Must, Query.all_query()), (Occur.MustNot, Query.exists_query("published_ts"))]
            )
            dated_before = int_range("published_ts", None, where.as_of_ts)
            filters.append(Query.boolean_query([(Occur.Should, dated_before), (Occur.Should, undated)]))
        if where.sources:
            filters.append(Query.term_set_query(self._schema, "source", list(where.sources)))
        if where.article_ids is not None:
            filters.append(Query.term_set_query(self._schema, "article_id", sorted(where.article_ids)))
        return filters


def _document(chunk: Chunk, schema: tantivy.Schema) -> tantivy.Document:
    fields: dict[str, object] = {
        "chunk_id": chunk.chunk_id,
        "article_id": chunk.article_id,
        "title": chunk.article.title or "",
        "text": chunk.text,
        "source": chunk.article.source or "",
        "n": chunk.n,
    }
    if chunk.article.published_ts is not None:
        fields["published_ts"] = chunk.article.published_ts
    return tantivy.Document.from_dict(fields, schema)
