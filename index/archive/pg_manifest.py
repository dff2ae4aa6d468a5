"""The manifest in a PostgreSQL server (``NEWSDESK_DATABASE_URL``), for one archive shared by many processes and
machines.

Each archive is a schema named after its collection (``IndexSettings.collection``), with the tables of the SQLite
manifest, plus two ``tsvector`` columns that PostgreSQL computes from each chunk's headline and text as the row is
written: they are the lexical index (``index.archive.pg_lexical``). So the manifest and the lexical index change in
the same transaction, and can never disagree.

Consistency: a batch of articles is written in one transaction (chunks, articles, the delete journal), under the
archive's write lock, which for a database is a PostgreSQL advisory lock (``ServerLock``) held by one writer on any
machine. Readers use autocommit connections, one per thread: each statement sees the last committed batch, never
part of one.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import zlib
from collections.abc import Iterator, Sequence
from typing import Any

from index.archive.fields import ARTICLE_FIELDS, matching_articles, unknown_field
from index.archive.manifest import CHUNK_COLUMNS, Manifest
from index.archive.rows import row_chunk
from index.chunking import Chunk
from index.errors import ArchiveSettingsError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    article_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    title TEXT, source TEXT, url TEXT, published_ts BIGINT,
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
    title TEXT, source TEXT, url TEXT, published_ts BIGINT,
    text TEXT NOT NULL,
    title_terms tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce(title, ''))) STORED,
    text_terms tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED
);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks(article_id);
CREATE INDEX IF NOT EXISTS chunks_published ON chunks(published_ts);
CREATE INDEX IF NOT EXISTS chunks_text_terms ON chunks USING GIN (text_terms);
CREATE INDEX IF NOT EXISTS chunks_title_terms ON chunks USING GIN (title_terms);
CREATE TABLE IF NOT EXISTS deleting (article_id TEXT PRIMARY KEY);
"""


def schema_name(collection: str) -> str:
    """The PostgreSQL schema of the archive named ``collection``.

    Example:
        >>> schema_name("newsdesk"), schema_name("Wires-2024")
        ('newsdesk', 'wires_2024')
    """
    name = re.sub(r"[^a-z0-9_]", "_", collection.lower())
    return name if re.match(r"[a-z_]", name) else f"n_{name}"


def lock_key(schema: str) -> int:
    """The advisory-lock key of an archive's schema (a stable 63-bit number)."""
    return zlib.crc32(f"newsdesk:{schema}".encode()) | (1 << 40)


def connect(url: str, schema: str) -> Any:
    """An autocommit connection to the database at ``url`` whose tables are the archive's ``schema``."""
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - psycopg is a dependency
        raise ArchiveSettingsError("a PostgreSQL archive needs psycopg: pip install 'psycopg[binary]'") from exc
    try:
        return psycopg.connect(url, autocommit=True, options=f"-c search_path={schema}")
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        raise ArchiveSettingsError(
            f"cannot reach the PostgreSQL server of NEWSDESK_DATABASE_URL ({first}); start it or fix the URL"
        ) from exc


class PgConnection:
    """A psycopg connection that takes the manifest's SQL as written for SQLite (``?`` placeholders) and is a
    transaction as a context manager (``with db:``), as ``sqlite3`` connections are."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self._transactions: list[Any] = []

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.raw.execute(*_translated(sql, params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            with self.raw.cursor() as cursor:
                cursor.executemany(*_translated(sql, rows))

    def __enter__(self) -> PgConnection:
        transaction = self.raw.transaction()
        transaction.__enter__()
        self._transactions.append(transaction)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._transactions.pop().__exit__(*exc)

    def close(self) -> None:
        self.raw.close()


def _translated(sql: str, params: Any) -> tuple[str, Any]:
    # psycopg's placeholder is %s, and a literal % must be doubled once there are parameters.
    if not params:
        return sql, None
    return sql.replace("%", "%%").replace("?", "%s"), params


class PgManifest(Manifest):
    """The manifest of an archive in a PostgreSQL schema; the same interface as the SQLite ``Manifest``.

    Args:
        url: the database (``postgresql://user@host:port/db``).
        collection: the archive's name; its schema is ``schema_name(collection)``.
    """

    def __init__(self, url: str, collection: str) -> None:  # noqa: D107 - the SQLite __init__ is not called
        self.url = url
        self.schema = schema_name(collection)
        self.path = None  # type: ignore[assignment] - no file: the archive lives in the server
        self._db = PgConnection(connect(url, self.schema))
        self._write_guard = threading.RLock()
        self._local = threading.local()
        self._readers: list[Any] = []
        self._readers_guard = threading.Lock()
        if not self._has_tables():
            with self._db:
                # Two processes creating one archive's tables take turns (the lock ends with the transaction). Not the
                # write lock's key: the writer creating the archive holds that one on another connection.
                self._db.execute("SELECT pg_advisory_xact_lock(?)", (lock_key(f"tables:{self.schema}"),))
                self._db.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
                self._db.raw.execute(_SCHEMA)

    def _has_tables(self) -> bool:
        rows = self._db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ?", (self.schema,)
        ).fetchall()
        return {"articles", "chunks", "deleting"} <= {row[0] for row in rows}

    @property
    def connection(self) -> Any:
        """The writing connection (a ``PgConnection``)."""
        return self._db

    @property
    def _read(self) -> Any:
        db = getattr(self._local, "db", None)
        if db is None:
            db = PgConnection(connect(self.url, self.schema))
            self._local.db = db
            with self._readers_guard:
                self._readers.append(db)
        return db

    def articles_per_month(self) -> dict[str, int]:
        rows = self._read.execute(
            "SELECT to_char(to_timestamp(published_ts) AT TIME ZONE 'UTC', 'YYYY-MM') AS month, COUNT(*) "
            "FROM articles WHERE published_ts IS NOT NULL GROUP BY month ORDER BY month"
        )
        return {month: count for month, count in rows}

    def articles_with(self, metadata: dict[str, Any]) -> list[str]:
        return matching_articles(metadata, self._field_values)

    def _field_values(self, name: str) -> list[tuple[str, Any]]:
        # As index.archive.fields does in SQLite, with PostgreSQL's JSON operators.
        if name in ARTICLE_FIELDS:
            rows = self._read.execute(f"SELECT article_id, {name} FROM articles WHERE {name} IS NOT NULL").fetchall()
            return [(aid, json.loads(v) if name == "authors" else v) for aid, v in rows]
        rows = self._read.execute(
            "SELECT article_id, metadata::jsonb -> ? FROM articles WHERE jsonb_exists(metadata::jsonb, ?)", (name, name)
        ).fetchall()
        if not rows:
            keys = self._read.execute("SELECT DISTINCT jsonb_object_keys(metadata::jsonb) FROM articles")
            raise unknown_field(name, (row[0] for row in keys))
        return list(rows)

    def iter_chunks(self) -> Iterator[Chunk]:
        # A server-side cursor: the whole table never sits in this process's memory at once.
        with self._read.raw.transaction(), self._read.raw.cursor(name="newsdesk_chunks") as cursor:
            cursor.execute(f"SELECT {CHUNK_COLUMNS} FROM chunks")
            for row in cursor:
                yield row_chunk(*row)

    def close(self) -> None:
        with self._readers_guard:
            readers, self._readers = self._readers, []
        for db in readers:
            with contextlib.suppress(Exception):
                db.close()
        with contextlib.suppress(Exception):
            self._db.close()



class AdvisoryLock:
    """The write lock of an archive in PostgreSQL: a session advisory lock on a connection of its own, so that one
    writer on any machine changes the archive at a time. The server drops it if the writer's connection dies.

    Args:
        url: the database.
        collection: the archive's name.
    """

    POLL_SECONDS = 0.1

    def __init__(self, url: str, collection: str) -> None:
        self.url = url
        self.schema = schema_name(collection)
        self._db: Any = None

    def acquire(self, deadline: float) -> bool:
        import time

        if self._db is None:
            self._db = connect(self.url, self.schema)
        while not self._db.execute("SELECT pg_try_advisory_lock(%s)", (lock_key(self.schema),)).fetchone()[0]:
            if time.monotonic() >= deadline:
                return False
            time.sleep(self.POLL_SECONDS)
        return True

    def release(self) -> None:
        if self._db is not None:
            self._db.execute("SELECT pg_advisory_unlock(%s)", (lock_key(self.schema),))
