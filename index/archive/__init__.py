"""An archive on disk, behind one facade: ``ArchiveStore`` over its recorded settings (``recorded``), the SQLite
manifest (``manifest``), the chroma vector index (``vectors``) and the tantivy lexical index (``lexical``)."""

from index.archive.store import ArchiveStats, ArchiveStore, StoredChunk

__all__ = ["ArchiveStats", "ArchiveStore", "StoredChunk"]
