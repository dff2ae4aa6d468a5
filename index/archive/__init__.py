"""An archive on disk: its recorded settings, the manifest, the vector index and the lexical index."""

from index.archive.store import ArchiveStats, ArchiveStore, StoredChunk

__all__ = ["ArchiveStats", "ArchiveStore", "StoredChunk"]
