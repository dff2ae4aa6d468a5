"""An archive on disk: the opening chunks' vectors in chromadb, every chunk in a BM25 index (tantivy, see
``index.archive.lexical``), and articles and chunks in a SQLite manifest beside them.

Each batch is written to chroma, then the lexical index, then the manifest in one transaction, so an
interrupted ingest never records an article whose chunks are not searchable; a re-run redoes that batch.
The manifest is the record: hits the manifest does not hold are dropped, and the lexical index is rebuilt
from it when their chunk counts disagree.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from index.archive.lexical import LEXICAL_DIR, LexicalIndex
from index.articles import Article
from index.chunking import Chunk
from index.errors import ArchiveNotFoundError, ArchiveSettingsError, EmptyIndexError
from index.filters import ChunkFilter
from index.reference import ArticleRef
from index.settings import IndexSettings

logger = logging.getLogger(__name__)

MANIFEST = "manifest.sqlite3"
META = "archive.json"
# 2: chunks in a plain table and BM25 by tantivy (1 had them in an FTS5 table; upgraded on open).
FORMAT_VERSION = 2
# chromadb's get() binds one SQL variable per id; pages keep it under SQLite's limit.
PAGE_SIZE = 1000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    article_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    title TEXT, source TEXT, url TEXT, published_ts INTEGER,
    authors TEXT NOT NULL, language TEXT, metadata TEXT NOT NULL,
    text TEXT NOT NULL,
    n_chunks INTEGER NOT NULL,
    origin TEXT,
    ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_text_hash ON articles(text_hash);
CREATE INDEX IF NOT EXISTS articles_source ON articles(source);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, article_id TEXT NOT NULL, n INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    title TEXT, source TEXT, url TEXT, published_ts INTEGER,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks(article_id);
"""
_CHUNK_COLUMNS = 'chunk_id, article_id, n, start, "end", title, source, url, published_ts, text'
# Dense search without a chroma filter widens up to this many nearest chunks before filtering in chroma.
_MAX_UNFILTERED = 8192
# Words too common to help a lexical match.
_STOPWORDS = frozenset(
    "a an and are as at be been but by did do does for from had has have how in is it its not of on or that the "
    "their this to was were what when where which who whom why will with this these those about after before s".split()
)


class ArchiveStats(BaseModel):
    """What an archive holds."""

    path: str
    articles: int
    chunks: int
    vectors: int = Field(0, description="Chunks embedded for dense search (``IndexSettings.dense_chunks``).")
    earliest: datetime | None = Field(None, description="Oldest publication date.")
    latest: datetime | None = Field(None, description="Newest publication date.")
    undated: int = Field(0, description="Articles with no publication date.")
    sources: dict[str, int] = Field(default_factory=dict, description="Articles per publisher, most first.")
    settings: dict[str, object] = Field(default_factory=dict, description="The settings that shaped the index.")


class StoredChunk(BaseModel):
    """A chunk as read back from the vector store, with its cosine similarity to the query if any."""

    chunk: Chunk
    similarity: float | None = None


class ArchiveStore:
    """Chunks, vectors and articles of one archive.

    Args:
        path: the archive folder.
        settings: chunking, embedding and storage settings.
        create: make the folder if missing; otherwise a missing archive raises ArchiveNotFoundError.
    """

    def __init__(self, path: Path, settings: IndexSettings, *, create: bool = False) -> None:
        self.path = Path(path).expanduser()
        self.settings = settings
        meta_file = self.path / META
        if not meta_file.exists():
            if not create:
                raise ArchiveNotFoundError(
                    f"no newsdesk archive at {self.path}; run `newsdesk ingest FILES --archive {self.path}` first"
                )
            self.path.mkdir(parents=True, exist_ok=True)
            meta_file.write_text(json.dumps({"format": FORMAT_VERSION, **settings.shape()}, indent=2))
        # Archives from before dense_chunks existed embedded every chunk.
        built_with = {"dense_chunks": None, **json.loads(meta_file.read_text())}
        mismatched = {k: v for k, v in settings.shape().items() if built_with.get(k) != v}
        if mismatched:
            raise ArchiveSettingsError(
                f"archive {self.path} was built with {', '.join(f'{k}={built_with.get(k)!r}' for k in mismatched)}; "
                f"use the same settings or ingest into a new --archive"
            )
        self._db = sqlite3.connect(self.path / MANIFEST, check_same_thread=False)
        self._db.executescript(_SCHEMA)
        self._collection_handle: Any = None
        if built_with.get("format", FORMAT_VERSION) < FORMAT_VERSION:
            self._upgrade()
            meta_file.write_text(json.dumps({**built_with, "format": FORMAT_VERSION}, indent=2))
        self._lexical = self._open_lexical()

    @staticmethod
    def exists(path: Path) -> bool:
        """Whether ``path`` holds a newsdesk archive."""
        return (Path(path).expanduser() / META).exists()

    def _upgrade(self) -> None:
        # Format 1 kept chunks in an FTS5 table: move them to the plain table (the lexical index is then
        # built from it by _open_lexical). Safe to repeat if interrupted: the copy and drop are one transaction.
        if self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'chunks_fts'").fetchone() is None:
            return
        logger.warning("upgrading archive %s to format %d (once; no re-embedding)", self.path, FORMAT_VERSION)
        with self._db:
            # FTS5 stored missing titles, sources and urls as ''.
            self._db.execute(
                f'INSERT OR REPLACE INTO chunks ({_CHUNK_COLUMNS}) SELECT chunk_id, article_id, n, start, "end", '
                "NULLIF(title, ''), NULLIF(source, ''), NULLIF(url, ''), published_ts, text FROM chunks_fts"
            )
            self._db.execute("DROP TABLE chunks_fts")

    def _open_lexical(self) -> LexicalIndex:
        path = self.path / LEXICAL_DIR
        if LexicalIndex.exists(path):
            lexical = LexicalIndex(path)
            if lexical.count() == self.chunk_count():
                return lexical
            logger.warning("lexical index of %s is out of step with the manifest; rebuilding it", self.path)
        return LexicalIndex.build(path, self.iter_chunks())

    # -- chroma -----------------------------------------------------------------------------

    @property
    def _collection(self) -> Any:
        if self._collection_handle is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            chroma_settings = ChromaSettings(anonymized_telemetry=False)
            if self.settings.chroma_host:
                client = chromadb.HttpClient(
                    host=self.settings.chroma_host, port=self.settings.chroma_port, settings=chroma_settings
                )
            else:
                client = chromadb.PersistentClient(path=str(self.path / "chroma"), settings=chroma_settings)
            # embedding_function=None: we always pass vectors; chroma's default would download a model.
            self._collection_handle = client.get_or_create_collection(
                self.settings.collection, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )
        return self._collection_handle

    def write(self, batch: Sequence[tuple[Article, list[Chunk], list[list[float]], str | None]]) -> None:
        """Store articles with their chunks and vectors, replacing any earlier version of each.

        Args:
            batch: (article, its chunks, vectors, origin file) tuples; the vectors are those of the first
                ``len(vectors)`` chunks, which alone enter the vector store. Every chunk enters the lexical index.
        """
        if not batch:
            return
        stale = [a.article_id for a, _, _, _ in batch if self.content_hash(a.article_id) is not None]
        for start in range(0, len(stale), 100):
            self._collection.delete(where={"article_id": {"$in": stale[start : start + 100]}})
        ids: list[str] = []
        vectors: list[list[float]] = []
        metadatas: list[dict[str, Any]] = []
        for article, chunks, chunk_vectors, _ in batch:
            for chunk, vector in zip(chunks[: len(chunk_vectors)], chunk_vectors, strict=True):
                ids.append(chunk.chunk_id)
                vectors.append(vector)
                metadatas.append(_chunk_metadata(chunk, article))
        limit = max(1, min(PAGE_SIZE * 5, self._collection._client.get_max_batch_size()))
        # No documents: chunk text is read from the manifest, and chroma would keep a second full-text index of
        # it (measured: 3.4x the vector store's size on disk, half of its write time).
        for start in range(0, len(ids), limit):
            end = start + limit
            self._collection.upsert(ids=ids[start:end], embeddings=vectors[start:end], metadatas=metadatas[start:end])
        self._lexical.replace([a.article_id for a, _, _, _ in batch], [c for _, chunks, _, _ in batch for c in chunks])
        now = datetime.now(timezone.utc).isoformat()
        with self._db:
            self._db.executemany("DELETE FROM chunks WHERE article_id = ?", [(a,) for a in stale])
            self._db.executemany(
                f"INSERT OR REPLACE INTO chunks ({_CHUNK_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (c.chunk_id, c.article_id, c.n, c.start, c.end, c.article.title, c.article.source, c.article.url,
                     c.article.published_ts, c.text)
                    for _, chunks, _, _ in batch
                    for c in chunks
                ],
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [_article_row(a, len(c), origin, now) for a, c, _, origin in batch],
            )

    def query(self, vector: list[float], k: int, where: ChunkFilter | None = None) -> list[StoredChunk]:
        """The ``k`` embedded chunks nearest to ``vector`` that pass ``where``.

        Args:
            vector: the query's embedding.
            k: how many to return.
            where: which chunks may be returned (default: all).
        """
        where = where or ChunkFilter()
        if where.matches_nothing:
            return []
        # Chroma's metadata filter costs 250-500 ms on 75k vectors, against ~5 ms for an unfiltered search:
        # search unfiltered, keep what passes the filters in the manifest, and widen until k pass. Only a
        # filter that keeps too little of the archive for that (under ~1%) is left to chroma.
        n = k if where.is_open else 4 * k
        while True:
            ids, distances = self._nearest(vector, n, None)
            passing = self._passing(ids, where)
            kept = [(cid, distance) for cid, distance in zip(ids, distances, strict=True) if cid in passing]
            exhausted = len(ids) < n
            if len(kept) >= k or exhausted or n >= _MAX_UNFILTERED:
                break
            n *= 4
        if len(kept) < k and not exhausted:
            ids, distances = self._nearest(vector, k, _chroma_where(where))
            # The manifest still has the last word: a vector an interrupted write left is not returned.
            passing = self._passing(ids, where)
            kept = [(cid, distance) for cid, distance in zip(ids, distances, strict=True) if cid in passing]
        return self._stored(kept[:k])

    def _nearest(self, vector: list[float], n: int, where: dict[str, Any] | None) -> tuple[list[str], list[float]]:
        # Ids and distances only: reading chroma's documents and metadata costs more than the search itself.
        result = self._collection.query(query_embeddings=[vector], n_results=n, where=where, include=["distances"])
        return result["ids"][0], result["distances"][0]

    def _passing(self, chunk_ids: Sequence[str], where: ChunkFilter) -> set[str]:
        # The ids among chunk_ids that the manifest holds (a vector an interrupted write left is not there)
        # and that pass the filter.
        clauses, params = _date_and_source_sql(where)
        found: set[str] = set()
        for start in range(0, len(chunk_ids), PAGE_SIZE):
            page = list(chunk_ids[start : start + PAGE_SIZE])
            sql = f"SELECT chunk_id, article_id FROM chunks WHERE chunk_id IN ({','.join('?' * len(page))})"
            rows = self._db.execute(sql + "".join(f" AND {c}" for c in clauses), [*page, *params])
            found.update(cid for cid, aid in rows if where.allows_article(aid))
        return found

    def _stored(self, nearest: list[tuple[str, float]]) -> list[StoredChunk]:
        chunks = self.chunks([cid for cid, _ in nearest])
        return [
            StoredChunk(chunk=chunks[cid], similarity=1.0 - float(distance))
            for cid, distance in nearest
            if cid in chunks
        ]

    def lexical_query(
        self, query: str, k: int, where: ChunkFilter | None = None, *, titles_only: bool = False
    ) -> list[tuple[Chunk, float]]:
        """The ``k`` chunks that best match ``query``'s words by BM25 (higher score is better) and pass ``where``.

        With ``titles_only``, articles are matched by their headline alone and each is represented by its
        first chunk.
        """
        words = [w for w in dict.fromkeys(re.findall(r"\w+", query.lower())) if w not in _STOPWORDS]
        found = self._lexical.search(words, k, where or ChunkFilter(), titles_only=titles_only)
        chunks = self.chunks([cid for cid, _ in found])
        return [(chunks[cid], score) for cid, score in found if cid in chunks]

    def articles_with(self, metadata: dict[str, Any]) -> list[str]:
        """The ids of the articles whose original record has every field of ``metadata`` equal to its value."""
        sql = "SELECT article_id FROM articles WHERE " + " AND ".join("json_extract(metadata, ?) = ?" for _ in metadata)
        params = [p for key, value in metadata.items() for p in (f'$."{key}"', value)]
        return [row[0] for row in self._db.execute(sql, params)]

    def chunks(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]:
        """The stored chunks among ``chunk_ids``, by id (ids the archive does not hold are left out)."""
        found: dict[str, Chunk] = {}
        for start in range(0, len(chunk_ids), PAGE_SIZE):
            page = list(chunk_ids[start : start + PAGE_SIZE])
            rows = self._db.execute(
                f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE chunk_id IN ({','.join('?' * len(page))})", page
            )
            found.update((row[0], _row_chunk(*row)) for row in rows)
        return found

    def iter_chunks(self) -> Iterator[Chunk]:
        """Every stored chunk (all of them are in the lexical index, embedded or not)."""
        for row in self._db.execute(f"SELECT {_CHUNK_COLUMNS} FROM chunks"):
            yield _row_chunk(*row)

    def chunk_count(self) -> int:
        """How many chunks the archive holds."""
        return int(self._db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def vector_count(self) -> int:
        """How many chunks are embedded in the vector store (see ``IndexSettings.dense_chunks``)."""
        return int(self._collection.count())

    # -- manifest ---------------------------------------------------------------------------

    def content_hash(self, article_id: str) -> str | None:
        """The stored version's content hash, or None if the article is new."""
        row = self._db.execute("SELECT content_hash FROM articles WHERE article_id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def article_with_text(self, text_hash: str) -> str | None:
        """The id of a stored article with exactly this normalised text, if any."""
        row = self._db.execute("SELECT article_id FROM articles WHERE text_hash = ? LIMIT 1", (text_hash,)).fetchone()
        return row[0] if row else None

    def article(self, article_id: str) -> Article | None:
        """The stored article, or None."""
        row = self._db.execute(
            "SELECT article_id, title, text, source, url, published_ts, authors, language, metadata "
            "FROM articles WHERE article_id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        aid, title, text, source, url, ts, authors, language, metadata = row
        return Article(
            article_id=aid,
            title=title,
            text=text,
            source=source,
            url=url,
            published_at=datetime.fromtimestamp(ts, tz=timezone.utc) if ts is not None else None,
            authors=tuple(json.loads(authors)),
            language=language,
            metadata=json.loads(metadata),
        )

    def article_count(self) -> int:
        """How many articles the manifest holds."""
        return int(self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def sources(self) -> dict[str, int]:
        """Articles per publisher, most first."""
        rows = self._db.execute(
            "SELECT COALESCE(source, '(unknown)'), COUNT(*) FROM articles GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall()
        return {name: count for name, count in rows}

    def stats(self) -> ArchiveStats:
        """Counts, date range and sources of the archive."""
        articles, chunks, first, last, undated = self._db.execute(
            "SELECT COUNT(*), COALESCE(SUM(n_chunks), 0), MIN(published_ts), MAX(published_ts), "
            "SUM(published_ts IS NULL) FROM articles"
        ).fetchone()
        as_date = lambda ts: datetime.fromtimestamp(ts, tz=timezone.utc) if ts is not None else None  # noqa: E731
        return ArchiveStats(
            path=str(self.path),
            articles=articles,
            chunks=chunks,
            vectors=self.vector_count(),
            earliest=as_date(first),
            latest=as_date(last),
            undated=undated or 0,
            sources=self.sources(),
            settings=self.settings.shape(),
        )

    def require_articles(self) -> None:
        """Raise EmptyIndexError if nothing has been ingested yet."""
        if self.article_count() == 0:
            raise EmptyIndexError(f"archive {self.path} holds no articles yet; run `newsdesk ingest FILES` first")

    def close(self) -> None:
        """Release the manifest connection."""
        self._db.close()


def _date_and_source_sql(where: ChunkFilter) -> tuple[list[str], list[Any]]:
    # Conditions on the chunks table (the article filters are applied to the rows read). A date range asks for
    # dated articles (NULL fails the comparison); the as_of cut only removes later ones, so undated articles stay.
    clauses: list[str] = []
    params: list[Any] = []
    if where.since_ts is not None:
        clauses.append("published_ts >= ?")
        params.append(where.since_ts)
    if where.until_ts is not None:
        clauses.append("published_ts <= ?")
        params.append(where.until_ts)
    if where.as_of_ts is not None:
        clauses.append("(published_ts IS NULL OR published_ts <= ?)")
        params.append(where.as_of_ts)
    if where.sources:
        clauses.append(f"source IN ({','.join('?' * len(where.sources))})")
        params.extend(where.sources)
    return clauses, params


def _chroma_where(where: ChunkFilter) -> dict[str, Any] | None:
    # The same filter as a chroma where-clause (see _chunk_metadata for the stored keys).
    clauses: list[dict[str, Any]] = []
    if where.since_ts is not None:
        clauses.append({"published_ts": {"$gte": where.since_ts}})
    if where.until_ts is not None:
        clauses.append({"published_ts": {"$lte": where.until_ts}})
    if where.as_of_ts is not None:
        clauses.append({"$or": [{"dated": False}, {"published_ts": {"$lte": where.as_of_ts}}]})
    if where.sources:
        clauses.append({"source": {"$in": list(where.sources)}})
    if where.article_ids is not None:
        clauses.append({"article_id": {"$in": sorted(where.article_ids - where.exclude)}})
    elif where.exclude:
        clauses.append({"article_id": {"$nin": sorted(where.exclude)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _row_chunk(
    cid: str, aid: str, n: int, start: int, end: int, title: str, source: str, url: str, ts: int | None, text: str
) -> Chunk:
    return Chunk(
        chunk_id=cid, article=ArticleRef.from_ts(aid, title, source, url, ts), n=n, start=start, end=end, text=text
    )


def _chunk_metadata(chunk: Chunk, article: Article) -> dict[str, Any]:
    # Only what deletes and _chroma_where read: the chunk itself is read from the manifest.
    meta: dict[str, Any] = {"article_id": chunk.article_id, "source": chunk.article.source or ""}
    published_ts = chunk.article.published_ts
    # Chroma cannot test for a missing key, so "dated" says whether published_ts is there: an as_of
    # cut-off keeps undated articles, while an explicit date range leaves them out.
    meta["dated"] = published_ts is not None
    if published_ts is not None:
        meta["published_ts"] = published_ts
    for key, value in article.metadata.items():
        meta[f"meta.{key}"] = value
    return meta


def _article_row(article: Article, n_chunks: int, origin: str | None, now: str) -> tuple[Any, ...]:
    ts = int(article.published_at.timestamp()) if article.published_at else None
    return (
        article.article_id,
        article.content_hash,
        article.text_hash,
        article.title,
        article.source,
        article.url,
        ts,
        json.dumps(list(article.authors)),
        article.language,
        json.dumps(article.metadata),
        article.text,
        n_chunks,
        origin,
        now,
    )
