"""The archive facade: one ``ArchiveStore`` over an archive's parts, which it opens, writes in order and searches.

The parts, each in its own module: the recorded settings and format (``recorded``), the SQLite manifest of
articles and chunks (``manifest``), the vectors of the opening chunks in chroma (``vectors``), and every chunk in a
BM25 index (tantivy, ``lexical``); dense search under a filter is ``dense``'s.

Each batch is written to chroma, then the lexical index, then the manifest in one transaction, so an
interrupted ingest never records an article whose chunks are not searchable; a re-run redoes that batch.
A delete goes the other way round (the manifest first, then the indexes; see ``ArchiveStore.delete``), so the
same holds: every article the manifest records is wholly searchable.
The manifest is the record: hits the manifest does not hold are dropped, and the lexical index is rebuilt
from it when their chunk counts disagree.

Concurrency (``index.archive.lock``): writers (ingest, delete, repair, upgrade, creation) hold the archive's write
lock and take turns. Readers take no lock and read the manifest's last commit (SQLite in WAL mode, a connection per
thread): a batch is searchable once, and only once, its manifest transaction has committed, whatever the indexes
already hold. Readers never repair: a difference between the parts while a writer holds the lock is that writer's
batch in progress; one found while nobody holds it is what a crash left, and the first to take the lock repairs it.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from index.archive import recorded
from index.archive.dense import filtered_nearest
from index.archive.lexical import LEXICAL_DIR, LexicalIndex
from index.archive.lock import ArchiveLock
from index.archive.manifest import MANIFEST, UNKNOWN_SOURCE, Manifest
from index.archive.pg_lexical import PgLexicalIndex
from index.archive.pg_manifest import AdvisoryLock, PgManifest
from index.archive.recorded import FORMAT_VERSION, RecordedSettings
from index.archive.upgrade import reclean_articles
from index.archive.vectors import VectorIndex
from index.articles import Article
from index.chunking import Chunk
from index.embedding import make_embedder
from index.errors import EmptyIndexError
from index.filters import ChunkFilter
from index.settings import IndexSettings
from index.text import STOPWORDS

__all__ = ["FORMAT_VERSION", "ArchiveStats", "ArchiveStore", "StoredChunk"]

logger = logging.getLogger(__name__)


def _open_manifest(path: Path, settings: IndexSettings) -> Manifest:
    # The database's when the settings name one, else the folder's SQLite file.
    if settings.database_url:
        return PgManifest(settings.database_url, settings.collection)
    return Manifest(path / MANIFEST)


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

    Raises:
        ArchiveNotFoundError: no archive at ``path`` and ``create`` is false.
        ArchiveSettingsError: the archive was built with other settings.
    """

    def __init__(self, path: Path, settings: IndexSettings, *, create: bool = False) -> None:
        self.path = Path(path).expanduser()
        self.settings = settings
        self._lock = ArchiveLock(self.path, AdvisoryLock(settings.database_url, settings.collection)
                                 if settings.database_url else None)
        if create and not recorded.exists(self.path):
            # Two processes creating one archive take turns: the second finds it made. Its archive.json is written
            # last, so an archive that exists is complete.
            with self._lock.hold():
                if not recorded.exists(self.path):
                    self._create()
        record = RecordedSettings(self.path, settings)
        self._manifest = _open_manifest(self.path, settings)
        self._vectors = VectorIndex(self.path, settings)
        self._lexical: LexicalIndex | PgLexicalIndex
        if isinstance(self._manifest, PgManifest):
            # In the database the lexical index is the manifest's own columns: nothing to rebuild, but text stored
            # with older cleaning rules is re-cleaned below, as in a folder.
            self._lexical, ready = PgLexicalIndex(self._manifest), record.format >= FORMAT_VERSION
        elif ready := record.format >= FORMAT_VERSION and LexicalIndex.exists(self.path / LEXICAL_DIR):
            self._lexical = LexicalIndex(self.path / LEXICAL_DIR)
        if ready:
            # What a crash left is repaired only by a writer: when one is at work, its half-done batch is what this
            # open sees, and the manifest already keeps it out of every search.
            with self._lock.try_hold() as idle:
                if idle:
                    self._repair()
            return
        # An archive in an older format, or without its lexical index, cannot be read until a writer has upgraded or
        # rebuilt it: wait for the lock, then do it (unless another process did meanwhile).
        with self._lock.hold():
            record = RecordedSettings(self.path, settings)
            if isinstance(self._manifest, PgManifest):
                self._repair()
            else:
                # Migrations rewrite the manifest, and the lexical index is then rebuilt from it by _repair.
                record.migrate(self._manifest.connection)
                missing = not LexicalIndex.exists(self.path / LEXICAL_DIR)
                self._lexical = LexicalIndex(self.path / LEXICAL_DIR)
                self._repair(rebuild=missing)
            if record.format < FORMAT_VERSION:
                # Articles stored with older furniture rules (before format 3: none) are cleaned in place; this needs
                # the indexes open, to rewrite the articles it changes. A no-op when every article is clean.
                reclean_articles(self.path, self._manifest, self.write, settings,
                                 lambda: make_embedder(settings.embedding_model, settings.embed_batch_size))
                record.record_current()

    def _create(self) -> None:
        # Every part before archive.json, which marks the archive as there (see __init__).
        _open_manifest(self.path, self.settings).close()
        if not self.settings.database_url:
            LexicalIndex.build(self.path / LEXICAL_DIR, [])
        # Chroma's own files too: a reader's first search must not race a writer's to create them.
        VectorIndex(self.path, self.settings).count()
        RecordedSettings(self.path, self.settings, create=True)

    @staticmethod
    def exists(path: Path) -> bool:
        """Whether ``path`` holds a newsdesk archive."""
        return recorded.exists(path)

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the archive's write lock for the block (see ``index.archive.lock``), e.g. a whole ingest, so that
        another writer waits for it to end; what a crash left is repaired first.

        Raises:
            ArchiveBusyError: another process kept the archive locked for ``lock.WAIT_SECONDS``.
        """
        with self._lock.hold() as outermost:
            if outermost:
                self._repair()
            yield

    def _repair(self, *, rebuild: bool = False) -> None:
        # Only under the write lock: finish an interrupted delete, then rebuild the lexical index if a write was
        # interrupted between its commit and the manifest's (it then holds chunks the manifest does not).
        self._finish_deletes()
        if not isinstance(self._lexical, LexicalIndex):
            return  # in the database the lexical index is the manifest's own columns: always in step, never counted
        if not rebuild:
            # Another process's commits reach this one's reader only after a delay: count what is on disk.
            self._lexical.reload()
            if self._lexical.count() == self._manifest.chunk_count():
                return
            logger.warning("lexical index of %s is out of step with the manifest; rebuilding it", self.path)
        self._lexical = LexicalIndex.build(self._lexical.path, self._manifest.iter_chunks())

    def write(self, batch: Sequence[tuple[Article, list[Chunk], list[list[float]], str | None]]) -> None:
        """Store articles with their chunks and vectors, replacing any earlier version of each.

        Args:
            batch: (article, its chunks, vectors, origin file) tuples; the vectors are those of the first
                ``len(vectors)`` chunks, which alone enter the vector store. Every chunk enters the lexical index.
        """
        if not batch:
            return
        with self.writing():
            self._write(batch)

    def _write(self, batch: Sequence[tuple[Article, list[Chunk], list[list[float]], str | None]]) -> None:
        # Only articles the manifest holds, or whose delete is unfinished, can have vectors to drop (a new one's ids
        # are simply upserted).
        leftovers = set(self._manifest.deleting())
        stale = [
            a.article_id
            for a, _, _, _ in batch
            if a.article_id in leftovers or self._manifest.content_hash(a.article_id) is not None
        ]
        self._vectors.delete_articles(stale)
        self._vectors.upsert([(a, chunks[: len(vectors)], vectors) for a, chunks, vectors, _ in batch])
        self._lexical.replace([a.article_id for a, _, _, _ in batch], [c for _, chunks, _, _ in batch for c in chunks])
        # Last, so the manifest never records an article whose chunks the indexes lack.
        self._manifest.write([(a, chunks, origin) for a, chunks, _, origin in batch])

    def delete(self, article_ids: Sequence[str]) -> int:
        """Remove articles: their manifest records, chunks, vectors and lexical entries.

        Crash-safe in the spirit of :meth:`write`, whose order it reverses, so that every article the manifest
        records stays wholly searchable:

        1. one manifest transaction removes the articles and their chunks and lists their ids in its ``deleting``
           journal. From this commit on they are gone from every search, because hits the manifest does not hold
           are dropped, and from stats and ``article``;
        2. their vectors leave chroma, 3. their chunks leave the lexical index, 4. the journal is cleared.

        A crash before 1 changes nothing. A crash after it leaves only entries no search returns, listed in the
        journal: opening the archive (or any later ``delete``) purges them, without rebuilding the lexical index.
        An article ingested again meanwhile leaves the journal in the transaction that stores it, so it is not
        purged once stored. Every id given is journalled and purged, so re-running a delete is always safe.
        It holds the archive's write lock, so it waits for an ingest in another process to end, and the reverse.

        Exact duplicates are never stored (ingest keeps the first copy and counts the rest), so there is nothing
        else to remove: once an article is deleted, its text no longer counts as stored, and a copy of it read
        later is ingested as new. Wire copies are found at search time, not recorded.

        Args:
            article_ids: the articles to delete; ids the archive does not hold are ignored.

        Returns:
            How many of them the archive held.
        """
        with self.writing():
            removed = self._manifest.delete(article_ids) if article_ids else []
            self._finish_deletes()
        if removed:
            logger.info("deleted %d articles from %s", len(removed), self.path)
        return len(removed)

    def _finish_deletes(self) -> None:
        # Steps 2-4 of delete, for whatever the journal lists: each is a no-op for entries already gone.
        leftovers = self._manifest.deleting()
        if not leftovers:
            return
        self._vectors.delete_articles(leftovers)
        self._lexical.replace(leftovers, [])
        self._manifest.purged(leftovers)

    def articles_from(self, source: str) -> list[str]:
        """The ids of the articles of publisher ``source``, in any case (``"(unknown)"``: those with none)."""
        wanted = source.strip().lower()
        names = [name for name in self.sources() if name.lower() == wanted]
        return [aid for name in names for aid in self._manifest.articles_from(None if name == UNKNOWN_SOURCE else name)]

    def articles_per_month(self) -> dict[str, int]:
        """Dated articles per calendar month of publication (UTC), as ``{"2024-02": 3}``, oldest first."""
        return self._manifest.articles_per_month()

    def query(self, vector: list[float], k: int, where: ChunkFilter | None = None) -> list[StoredChunk]:
        """The ``k`` embedded chunks nearest to ``vector`` that pass ``where``.

        Args:
            vector: the query's embedding.
            k: how many to return.
            where: which chunks may be returned (default: all).
        """
        return self._stored(filtered_nearest(self._vectors, self._manifest, vector, k, where or ChunkFilter()))

    def _stored(self, nearest: list[tuple[str, float]]) -> list[StoredChunk]:
        chunks = self.chunks([cid for cid, _ in nearest])
        return [StoredChunk(chunk=chunks[cid], similarity=1.0 - float(d)) for cid, d in nearest if cid in chunks]

    def lexical_query(
        self, query: str, k: int, where: ChunkFilter | None = None, *, titles_only: bool = False
    ) -> list[tuple[Chunk, float]]:
        """The ``k`` chunks that best match ``query``'s words by BM25 (higher score is better) and pass ``where``.

        With ``titles_only``, articles are matched by their headline alone and each is represented by its
        first chunk.
        """
        # Words too common to say what a question is about only slow BM25 and blur its ranking (shared list).
        words = [w for w in dict.fromkeys(re.findall(r"\w+", query.lower())) if w not in STOPWORDS]
        found = self._lexical.search(words, k, where or ChunkFilter(), titles_only=titles_only)
        # Hits the manifest does not hold (an interrupted write) are dropped here.
        chunks = self.chunks([cid for cid, _ in found])
        return [(chunks[cid], score) for cid, score in found if cid in chunks]

    def articles_with(self, metadata: dict[str, Any]) -> list[str]:
        """The ids of the articles whose original record has every field of ``metadata`` equal to its value."""
        return self._manifest.articles_with(metadata)

    def chunks(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]:
        """The stored chunks among ``chunk_ids``, by id (ids the archive does not hold are left out)."""
        return self._manifest.chunks(chunk_ids)

    def article_ids(self) -> list[str]:
        """The ids of every stored article, in id order."""
        return self._manifest.article_ids()

    def chunks_of(self, article_ids: Sequence[str]) -> dict[str, list[Chunk]]:
        """The stored chunks of each of ``article_ids``, in article order (ids the archive does not hold are left
        out)."""
        return self._manifest.chunks_of(article_ids)

    def vectors_of(self, chunk_ids: Sequence[str]) -> dict[str, list[float]]:
        """The stored vectors of the embedded chunks among ``chunk_ids``, by id."""
        return self._vectors.vectors(chunk_ids)

    def origin(self, article_id: str) -> str | None:
        """The file the stored article was read from, if recorded."""
        return self._manifest.origin(article_id)

    def iter_chunks(self) -> Iterator[Chunk]:
        """Every stored chunk (all of them are in the lexical index, embedded or not)."""
        return self._manifest.iter_chunks()

    def chunk_count(self) -> int:
        """How many chunks the archive holds."""
        return self._manifest.chunk_count()

    def vector_count(self) -> int:
        """How many chunks are embedded in the vector store (see ``IndexSettings.dense_chunks``)."""
        return self._vectors.count()

    def content_hash(self, article_id: str) -> str | None:
        """The stored version's content hash, or None if the article is new."""
        return self._manifest.content_hash(article_id)

    def article_with_text(self, text_hash: str) -> str | None:
        """The id of a stored article with exactly this normalised text, if any."""
        return self._manifest.article_with_text(text_hash)

    def article(self, article_id: str) -> Article | None:
        """The stored article, or None."""
        return self._manifest.article(article_id)

    def article_count(self) -> int:
        """How many articles the manifest holds."""
        return self._manifest.article_count()

    def sources(self) -> dict[str, int]:
        """Articles per publisher, most first."""
        return self._manifest.sources()

    def stats(self) -> ArchiveStats:
        """Counts, date range and sources of the archive."""
        held = self._manifest.stats()
        return ArchiveStats(
            path=str(self.path),
            articles=held.articles,
            chunks=held.chunks,
            vectors=self.vector_count(),
            earliest=held.earliest,
            latest=held.latest,
            undated=held.undated,
            sources=held.sources,
            settings=self.settings.shape(),
        )

    def require_articles(self) -> None:
        """Raise EmptyIndexError if nothing has been ingested yet."""
        if self.article_count() == 0:
            raise EmptyIndexError(f"archive {self.path} holds no articles yet; run `newsdesk ingest FILES` first")

    def close(self) -> None:
        """Release the manifest connection."""
        self._manifest.close()
