"""What an archive records about itself in ``archive.json``: its format version and the index settings it was
built with. Opening an archive checks those settings, and upgrades an archive of an older format in place.

An archive built with other chunking or embedding settings cannot be searched with these ones (its vectors and
chunks would not match the query's), so a mismatch is refused rather than silently mixed.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

from index.archive.manifest import CHUNK_COLUMNS
from index.errors import ArchiveNotFoundError, ArchiveSettingsError
from index.settings import IndexSettings

logger = logging.getLogger(__name__)

META = "archive.json"
# 2: chunks in a plain table and BM25 by tantivy (1 had them in an FTS5 table; upgraded on open).
# 3: article text without bylines, datelines and page furniture (index.cleaning); older archives are re-cleaned on
#    open, their changed articles re-chunked and re-embedded (index.archive.upgrade).
# 4: links to other stories removed from the text too (cleaning rules 2); re-cleaned on open the same way.
# 5: photo galleries printed inside the text removed too (cleaning rules 3); re-cleaned on open the same way.
# 6: video players with long titles removed too (cleaning rules 4); re-cleaned on open the same way.
# 7: photo gallery pages dated by the latest day their captions tell (cleaning rules 5, index.dating); re-dated on open
#    the same way.
FORMAT_VERSION = 7


# What an archive recorded before a field existed means: before dense_chunks, every chunk was embedded; before a chroma
# server could hold the vectors, they were kept in the folder.
RECORDED_DEFAULTS: dict[str, Any] = {"dense_chunks": None, "vectors": "embedded", "manifest": "folder"}


def vector_home(settings: IndexSettings) -> dict[str, str]:
    """Where an archive made with ``settings`` keeps its vectors, as ``archive.json`` records it.

    Example:
        >>> vector_home(IndexSettings())
        {'vectors': 'embedded'}
        >>> vector_home(IndexSettings(chroma_host="10.0.0.5", collection="wires"))
        {'vectors': 'chroma-server', 'collection': 'wires'}
    """
    if settings.chroma_host:
        return {"vectors": "chroma-server", "collection": settings.collection}
    return {"vectors": "embedded"}


def manifest_home(settings: IndexSettings) -> dict[str, str]:
    """Where an archive made with ``settings`` keeps its manifest and lexical index, as ``archive.json`` records it.

    Example:
        >>> manifest_home(IndexSettings()), manifest_home(IndexSettings(database_url="postgresql://db/news"))
        ({'manifest': 'folder'}, {'manifest': 'postgresql', 'collection': 'newsdesk'})
    """
    if settings.database_url:
        return {"manifest": "postgresql", "collection": settings.collection}
    return {"manifest": "folder"}


def manifest_home_mismatch(path: Path, built_with: dict[str, Any], settings: IndexSettings) -> str | None:
    """Why ``settings`` would look for the manifest of the archive at ``path`` in the wrong place, or None (the
    counterpart of ``vector_home_mismatch`` for the database)."""
    recorded, wanted = built_with["manifest"], manifest_home(settings)["manifest"]
    if recorded == "postgresql" and wanted == "folder":
        return (f"archive {path} keeps its articles in a PostgreSQL database (collection "
                f"{built_with.get('collection')!r}); open it with NEWSDESK_DATABASE_URL set to that database")
    if recorded == "folder" and wanted == "postgresql":
        return (f"archive {path} keeps its articles in the folder, not in a database; unset NEWSDESK_DATABASE_URL "
                "to open it, or ingest into a new --archive to use the database")
    return None


def vector_home_mismatch(path: Path, built_with: dict[str, Any], settings: IndexSettings) -> str | None:
    """Why ``settings`` would look for the vectors of the archive at ``path`` in the wrong place, or None.
    ``built_with`` is its record over ``RECORDED_DEFAULTS``. Opened without its server, an archive whose vectors
    live in one would quietly start an empty embedded store and lose its dense search (and the reverse). The host
    and port may change (servers move); the collection is what names the vectors."""
    recorded, wanted = built_with["vectors"], vector_home(settings)["vectors"]
    if recorded == "chroma-server" and wanted == "embedded":
        return (f"archive {path} keeps its vectors in a chroma server (collection {built_with.get('collection')!r}); "
                "open it with NEWSDESK_INDEX__CHROMA_HOST and NEWSDESK_INDEX__CHROMA_PORT set to that server")
    if recorded == "embedded" and wanted == "chroma-server":
        return (f"archive {path} keeps its vectors in the folder, not in a chroma server; unset "
                "NEWSDESK_INDEX__CHROMA_HOST to open it, or ingest into a new --archive to use the server")
    if recorded == "chroma-server" and built_with.get("collection") != settings.collection:
        return (f"archive {path} keeps its vectors in the chroma collection {built_with.get('collection')!r}, not "
                f"{settings.collection!r}; set NEWSDESK_INDEX__COLLECTION to it")
    return None


def read_record(path: Path) -> dict[str, Any] | None:
    """What the archive at ``path`` records in ``archive.json``, over ``RECORDED_DEFAULTS``, without opening the
    archive; None when there is no record or it cannot be read."""
    try:
        record = json.loads((Path(path).expanduser() / META).read_text())
    except (OSError, ValueError):
        return None
    return {**RECORDED_DEFAULTS, **record} if isinstance(record, dict) else None


def recorded_manifest(path: Path) -> str:
    """Where the archive at ``path`` records its manifest to be ("folder" or "postgresql"), without opening it."""
    return str((read_record(path) or RECORDED_DEFAULTS)["manifest"])


def exists(path: Path) -> bool:
    """Whether ``path`` holds a newsdesk archive."""
    return (Path(path).expanduser() / META).exists()


class RecordedSettings:
    """The format and settings recorded in an archive's ``archive.json``, checked against the ones it is opened with.

    Args:
        path: the archive folder.
        settings: the settings the archive is being opened with.
        create: make the folder and record ``settings`` if there is no archive yet; otherwise a missing archive
            raises ArchiveNotFoundError.

    Raises:
        ArchiveNotFoundError: no archive at ``path`` and ``create`` is false.
        ArchiveSettingsError: the archive was built with other values of ``IndexSettings.shape()``.
    """

    def __init__(self, path: Path, settings: IndexSettings, *, create: bool = False) -> None:
        self.path = Path(path).expanduser()
        self._file = self.path / META
        if not self._file.exists():
            if not create:
                raise ArchiveNotFoundError(
                    f"no newsdesk archive at {self.path}; run `newsdesk ingest FILES --archive {self.path}` first"
                )
            self.path.mkdir(parents=True, exist_ok=True)
            self._write({"format": FORMAT_VERSION, **settings.shape(), **vector_home(settings),
                         **manifest_home(settings)})
        self.built_with: dict[str, Any] = {**RECORDED_DEFAULTS, **json.loads(self._file.read_text())}
        mismatched = {k: v for k, v in settings.shape().items() if self.built_with.get(k) != v}
        if mismatched:
            raise ArchiveSettingsError(
                f"archive {self.path} was built with "
                f"{', '.join(f'{k}={self.built_with.get(k)!r}' for k in mismatched)}; "
                f"use the same settings or ingest into a new --archive"
            )
        misplaced = vector_home_mismatch(self.path, self.built_with, settings) or manifest_home_mismatch(
            self.path, self.built_with, settings)
        if misplaced:
            raise ArchiveSettingsError(misplaced)

    @property
    def format(self) -> int:
        """The format version the archive is in (the current one if it records none)."""
        return int(self.built_with.get("format", FORMAT_VERSION))

    def migrate(self, manifest: sqlite3.Connection) -> None:
        """Upgrade the manifest of an archive of an older format: the steps that must precede opening its indexes
        (the lexical index is rebuilt from the manifest's chunks table, which format 1 lacked).

        Does nothing to a current archive, and does not record the new format: that is :meth:`record_current`'s,
        once every step (including the re-cleaning of stored text) is done. Each step is safe to repeat.

        Args:
            manifest: the connection to the archive's manifest, whose schema is already the current one.
        """
        if self.format >= FORMAT_VERSION:
            return
        _upgrade_fts5_chunks(self.path, manifest)

    def record_current(self) -> None:
        """Record that the archive is now in format ``FORMAT_VERSION`` (after all the migration steps)."""
        if self.format >= FORMAT_VERSION:
            return
        self.built_with = {**self.built_with, "format": FORMAT_VERSION}
        self._write(self.built_with)

    def _write(self, record: dict[str, Any]) -> None:
        # Whole or not at all: a reader opening the archive meanwhile must never read half a file.
        partial = self._file.with_name(self._file.name + ".partial")
        partial.write_text(json.dumps(record, indent=2))
        os.replace(partial, self._file)


def _upgrade_fts5_chunks(path: Path, db: sqlite3.Connection) -> None:
    # Format 1 kept chunks in an FTS5 table: move them to the plain table (the lexical index is then rebuilt from
    # it, as it disagrees with the manifest). Safe to repeat if interrupted: the copy and drop are one transaction.
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'chunks_fts'").fetchone() is None:
        return
    logger.warning("upgrading archive %s: moving its chunks out of the FTS5 table (once; no re-embedding)", path)
    with db:
        # FTS5 stored missing titles, sources and urls as ''.
        db.execute(
            f'INSERT OR REPLACE INTO chunks ({CHUNK_COLUMNS}) SELECT chunk_id, article_id, n, start, "end", '
            "NULLIF(title, ''), NULLIF(source, ''), NULLIF(url, ''), published_ts, text FROM chunks_fts"
        )
        db.execute("DROP TABLE chunks_fts")
