"""The manifest of an archive: a SQLite file with every stored article (its text and original record) and every
chunk (its text and the article fields filters read).

The manifest is the record of what an archive holds. The vector and lexical indexes only find chunk ids; a hit is
kept only if the manifest holds its chunk, and the chunk is read from here. An article and its chunks are written
in one transaction, so the manifest never holds half an article.

Deleting journals: the transaction that removes articles also lists their ids in ``deleting``, until their vectors
and lexical entries are gone too (``ArchiveStore.delete``); writing an article takes it off that list in its own
transaction, so no id is ever both stored and waiting to be purged.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from index.archive.fields import articles_with
from index.archive.rows import article_row, as_date, date_and_source_sql, replacing, row_chunk
from index.articles import Article
from index.chunking import Chunk
from index.filters import ChunkFilter

MANIFEST = "manifest.sqlite3"
# How ``sources()`` names the publisher of articles that have none.
UNKNOWN_SOURCE = "(unknown)"
# A lookup binds one SQL variable per id; pages keep it under SQLite's limit.
PAGE_SIZE = 1000
# How long a statement waits for another connection's write to commit (only a format change takes long).
_BUSY_SECONDS = 60.0

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
    ingested_at TEXT NOT NULL,
    cleaned_with INTEGER NOT NULL DEFAULT 0
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
CREATE TABLE IF NOT EXISTS deleting (article_id TEXT PRIMARY KEY);
"""
# The columns of the chunks table, in the order rows.row_chunk takes them (format migrations fill the same ones).
CHUNK_COLUMNS = 'chunk_id, article_id, n, start, "end", title, source, url, published_ts, text'
# The columns of the articles table, in the order rows.article_row gives them.
ARTICLE_COLUMNS = (
    "article_id, content_hash, text_hash, title, source, url, published_ts, authors, language, metadata, text, "
    "n_chunks, origin, ingested_at, cleaned_with"
)


@dataclass(frozen=True)
class ManifestStats:
    """The counts, date range and publishers of the articles a manifest holds."""

    articles: int
    chunks: int
    earliest: datetime | None = None
    latest: datetime | None = None
    undated: int = 0
    sources: dict[str, int] = field(default_factory=dict)


class Manifest:
    """The SQLite record of an archive's articles and chunks.

    Args:
        path: the SQLite file (``<archive>/manifest.sqlite3``); created with its tables if missing.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        # Writes go through one connection, one transaction at a time. Reads go through a connection per thread, so a
        # web server's threads never see another thread's transaction half done (SQLite shows a connection's own
        # uncommitted rows to every statement on it), and in WAL mode each read sees the last commit.
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=_BUSY_SECONDS)
        self._write_guard = threading.RLock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_guard = threading.Lock()
        if self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            # Readers in other processes then never block the writer's commit, nor it them. It takes a moment with
            # the file to itself; if another process is reading just then, the next open tries again.
            with contextlib.suppress(sqlite3.OperationalError):
                self._db.execute("PRAGMA journal_mode=WAL")
        tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"articles", "chunks", "deleting"} <= tables:
            # A new manifest, or one from before the delete journal; SQLite serialises this with any writer.
            self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(articles)")}
        if "cleaned_with" not in columns:
            # Manifests from before index.cleaning: their articles count as cleaned with no rules (version 0), and
            # the archive's format migration re-cleans them.
            with self._db:
                self._db.execute("ALTER TABLE articles ADD COLUMN cleaned_with INTEGER NOT NULL DEFAULT 0")

    @property
    def connection(self) -> sqlite3.Connection:
        """The writing connection, for format migrations that rewrite the tables."""
        return self._db

    @property
    def _read(self) -> sqlite3.Connection:
        # This thread's reading connection, opened on first use.
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, check_same_thread=False, timeout=_BUSY_SECONDS)
            self._local.db = db
            with self._readers_guard:
                self._readers.append(db)
        return db

    def write(self, batch: Sequence[tuple[Article, Sequence[Chunk], str | None]]) -> None:
        """Store articles with all their chunks in one transaction, replacing any earlier version of each.

        Args:
            batch: (article, its chunks, origin file) tuples.
        """
        now = datetime.now(timezone.utc).isoformat()
        with self._write_guard, self._db:
            # An article's earlier version may have had more chunks than this one: drop them all first.
            self._db.executemany("DELETE FROM chunks WHERE article_id = ?", [(a.article_id,) for a, _, _ in batch])
            self._db.executemany(
                f"INSERT INTO chunks ({CHUNK_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?) "
                f"{replacing('chunk_id', CHUNK_COLUMNS)}",
                [
                    (c.chunk_id, c.article_id, c.n, c.start, c.end, c.article.title, c.article.source, c.article.url,
                     c.article.published_ts, c.text)
                    for _, chunks, _ in batch
                    for c in chunks
                ],
            )
            self._db.executemany(
                f"INSERT INTO articles ({ARTICLE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                f"{replacing('article_id', ARTICLE_COLUMNS)}",
                [article_row(a, len(c), origin, now) for a, c, origin in batch],
            )
            # Stored again after a delete whose index clean-up has not finished: that clean-up must not purge it.
            self._db.executemany("DELETE FROM deleting WHERE article_id = ?", [(a.article_id,) for a, _, _ in batch])

    def delete(self, article_ids: Sequence[str]) -> list[str]:
        """Remove articles and their chunks, and journal their ids in ``deleting``, in one transaction.

        Every id given is journalled, held or not, so that repeating a delete also purges what an interrupted one
        left in the indexes.

        Args:
            article_ids: the articles to remove; ids the manifest does not hold are allowed.

        Returns:
            The ids among ``article_ids`` that the manifest held (and no longer does), in the order given.
        """
        ids = list(dict.fromkeys(article_ids))
        with self._write_guard, self._db:
            held = self._held(self._db, ids)
            self._db.executemany("DELETE FROM chunks WHERE article_id = ?", [(aid,) for aid in ids])
            self._db.executemany("DELETE FROM articles WHERE article_id = ?", [(aid,) for aid in ids])
            self._db.executemany("INSERT INTO deleting VALUES (?) ON CONFLICT DO NOTHING", [(aid,) for aid in ids])
        return [aid for aid in ids if aid in held]

    @staticmethod
    def _held(db: sqlite3.Connection, article_ids: Sequence[str]) -> set[str]:
        held: set[str] = set()
        for start in range(0, len(article_ids), PAGE_SIZE):
            page = list(article_ids[start : start + PAGE_SIZE])
            sql = f"SELECT article_id FROM articles WHERE article_id IN ({','.join('?' * len(page))})"
            held.update(row[0] for row in db.execute(sql, page))
        return held

    def deleting(self) -> list[str]:
        """The ids of deleted articles whose vectors and lexical entries may still be in the indexes."""
        return [row[0] for row in self._read.execute("SELECT article_id FROM deleting ORDER BY article_id")]

    def purged(self, article_ids: Sequence[str]) -> None:
        """Record that the indexes no longer hold anything of ``article_ids`` (they leave the ``deleting`` list)."""
        with self._write_guard, self._db:
            self._db.executemany("DELETE FROM deleting WHERE article_id = ?", [(aid,) for aid in article_ids])

    def articles_from(self, source: str | None) -> list[str]:
        """The ids of the articles of publisher ``source`` exactly as stored (None: those with no publisher)."""
        if source is None:
            rows = self._read.execute("SELECT article_id FROM articles WHERE source IS NULL ORDER BY article_id")
        else:
            rows = self._read.execute("SELECT article_id FROM articles WHERE source = ? ORDER BY article_id", (source,))
        return [row[0] for row in rows]

    def articles_per_month(self) -> dict[str, int]:
        """Dated articles per calendar month of publication (UTC), as ``{"2024-02": 3}``, oldest first."""
        rows = self._read.execute(
            "SELECT strftime('%Y-%m', published_ts, 'unixepoch') AS month, COUNT(*) FROM articles "
            "WHERE published_ts IS NOT NULL GROUP BY month ORDER BY month"
        )
        return {month: count for month, count in rows}

    def cleaned_before(self, version: int) -> list[str]:
        """The ids of the stored articles whose text was cleaned with rules older than ``version``, in id order."""
        sql = "SELECT article_id FROM articles WHERE cleaned_with < ? ORDER BY article_id"
        return [row[0] for row in self._read.execute(sql, (version,))]

    def origin(self, article_id: str) -> str | None:
        """The file the stored article was read from, if recorded."""
        row = self._read.execute("SELECT origin FROM articles WHERE article_id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def mark_cleaned(self, article_ids: Sequence[str], version: int) -> None:
        """Record that the stored articles ``article_ids``, which the rules ``version`` leave as they are, are clean
        by them (nothing else changes: re-ingesting their records still finds them unchanged)."""
        with self._write_guard, self._db:
            self._db.executemany(
                "UPDATE articles SET cleaned_with = ? WHERE article_id = ?", [(version, aid) for aid in article_ids]
            )

    def passing(self, chunk_ids: Sequence[str], where: ChunkFilter) -> set[str]:
        """The ids among ``chunk_ids`` that the manifest holds and that pass ``where``.

        An index may hold a chunk the manifest does not (a write interrupted before the manifest's transaction);
        such a chunk is never passing.
        """
        clauses, params = date_and_source_sql(where)
        found: set[str] = set()
        for start in range(0, len(chunk_ids), PAGE_SIZE):
            page = list(chunk_ids[start : start + PAGE_SIZE])
            sql = f"SELECT chunk_id, article_id FROM chunks WHERE chunk_id IN ({','.join('?' * len(page))})"
            rows = self._read.execute(sql + "".join(f" AND {c}" for c in clauses), [*page, *params])
            found.update(cid for cid, aid in rows if where.allows_article(aid))
        return found

    def passing_chunks(self, where: ChunkFilter, limit: int) -> list[str] | None:
        """The ids of every chunk that passes ``where``, or None when more than ``limit`` do."""
        clauses, params = date_and_source_sql(where)
        wanted = sorted(where.article_ids - where.exclude) if where.article_ids is not None else []
        if 0 < len(wanted) <= PAGE_SIZE:  # longer lists are read whole and checked below
            clauses.append(f"article_id IN ({','.join('?' * len(wanted))})")
            params = [*params, *wanted]
        sql = "SELECT chunk_id, article_id FROM chunks" + (" WHERE " + " AND ".join(clauses) if clauses else "")
        found: list[str] = []
        for cid, aid in self._read.execute(sql, params):
            if where.allows_article(aid):
                found.append(cid)
                if len(found) > limit:
                    return None
        return found

    def chunks(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]:
        """The stored chunks among ``chunk_ids``, by id (ids the manifest does not hold are left out)."""
        found: dict[str, Chunk] = {}
        for start in range(0, len(chunk_ids), PAGE_SIZE):
            page = list(chunk_ids[start : start + PAGE_SIZE])
            rows = self._read.execute(
                f"SELECT {CHUNK_COLUMNS} FROM chunks WHERE chunk_id IN ({','.join('?' * len(page))})", page
            )
            found.update((row[0], row_chunk(*row)) for row in rows)
        return found

    def article_ids(self) -> list[str]:
        """The ids of every stored article, in id order."""
        return [row[0] for row in self._read.execute("SELECT article_id FROM articles ORDER BY article_id")]

    def chunks_of(self, article_ids: Sequence[str]) -> dict[str, list[Chunk]]:
        """The stored chunks of each of ``article_ids`` that the manifest holds, in article order."""
        found: dict[str, list[Chunk]] = {}
        for start in range(0, len(article_ids), PAGE_SIZE):
            page = list(article_ids[start : start + PAGE_SIZE])
            rows = self._read.execute(
                f"SELECT {CHUNK_COLUMNS} FROM chunks WHERE article_id IN ({','.join('?' * len(page))}) ORDER BY n", page
            )
            for row in rows:
                found.setdefault(row[1], []).append(row_chunk(*row))
        return found

    def iter_chunks(self) -> Iterator[Chunk]:
        """Every stored chunk."""
        for row in self._read.execute(f"SELECT {CHUNK_COLUMNS} FROM chunks"):
            yield row_chunk(*row)

    def chunk_count(self) -> int:
        """How many chunks the manifest holds."""
        return int(self._read.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def content_hash(self, article_id: str) -> str | None:
        """The stored version's content hash, or None if the article is new."""
        row = self._read.execute("SELECT content_hash FROM articles WHERE article_id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def article_with_text(self, text_hash: str) -> str | None:
        """The id of a stored article with exactly this normalised text, if any."""
        row = self._read.execute("SELECT article_id FROM articles WHERE text_hash = ? LIMIT 1", (text_hash,)).fetchone()
        return row[0] if row else None

    def article(self, article_id: str) -> Article | None:
        """The stored article, or None."""
        row = self._read.execute(
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
            published_at=as_date(ts),
            authors=tuple(json.loads(authors)),
            language=language,
            metadata=json.loads(metadata),
        )

    def article_count(self) -> int:
        """How many articles the manifest holds."""
        return int(self._read.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def sources(self) -> dict[str, int]:
        """Articles per publisher, most first."""
        rows = self._read.execute(
            "SELECT COALESCE(source, ?), COUNT(*) FROM articles GROUP BY 1 ORDER BY 2 DESC, 1", (UNKNOWN_SOURCE,)
        ).fetchall()
        return {name: count for name, count in rows}

    def articles_with(self, metadata: dict[str, Any]) -> list[str]:
        """The ids of the articles that match every field of ``metadata``, in id order (see
        :func:`index.archive.fields.articles_with`: list-valued fields match element-wise; ``authors`` and ``url``
        are article columns).

        Raises:
            FilterError: a field that is neither an article column nor in any stored record.
        """
        return articles_with(self._read, metadata)

    def stats(self) -> ManifestStats:
        """Counts, date range and publishers of the stored articles."""
        articles, chunks, first, last, undated = self._read.execute(
            "SELECT COUNT(*), COALESCE(SUM(n_chunks), 0), MIN(published_ts), MAX(published_ts), "
            "SUM(CASE WHEN published_ts IS NULL THEN 1 ELSE 0 END) FROM articles"
        ).fetchone()
        return ManifestStats(
            articles=articles,
            chunks=chunks,
            earliest=as_date(first),
            latest=as_date(last),
            undated=undated or 0,
            sources=self.sources(),
        )

    def close(self) -> None:
        """Release the connections (every thread's)."""
        with self._readers_guard:
            readers, self._readers = self._readers, []
        for db in readers:
            db.close()
        self._db.close()
