"""Settings that shape an index: changing any of them means re-ingesting."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class IndexSettings(BaseModel):
    """How articles are chunked, embedded and stored.

    ``chunk_size`` is in tiktoken (cl100k) tokens; 200 keeps title plus chunk inside the 256
    wordpieces all-MiniLM-L6-v2 reads, so no embedded chunk is cut short.

    ``dense_chunks`` embeds only an article's opening chunks: news puts the story in its first
    paragraphs, and embedding is nearly all of ingest time. Measured on the 98 RealTimeQA dev questions
    with a gold article (dense hits limited to the first 2, 3, 4 or 6 chunks): Hits@5 stayed within one
    question of embedding all ~12 chunks an article has there, and Hits@1 within three, for a quarter of
    the embedding work; deeper text is still found lexically.
    """

    model_config = ConfigDict(extra="forbid")

    chunk_size: int = Field(200, gt=20, description="Chunk length in tokens (cl100k).")
    chunk_overlap: int = Field(30, ge=0, description="Tokens shared by neighbouring chunks.")
    embed_title: bool = Field(True, description="Prefix each chunk's embedded text with its article's title.")
    dense_chunks: int | None = Field(
        3,
        ge=1,
        description="Chunks per article, from its start, embedded for dense search (None: all). Every chunk is "
        "in the lexical index whatever this is.",
    )
    embedding_model: str = Field("all-MiniLM-L6-v2", description="'all-MiniLM-L6-v2' (bundled) or 'hash' (tests).")
    embed_batch_size: int = Field(32, gt=0, description="Texts per embedding batch.")
    collection: str = Field("newsdesk", description="Chroma collection name of the archive.")
    chroma_host: str | None = Field(None, description="Chroma server host; None uses the embedded store.")
    chroma_port: int = Field(8000, description="Chroma server port.")
    chroma_ssl: bool = Field(False, description="Reach the chroma server over HTTPS.")
    database_url: str | None = Field(
        None,
        description="PostgreSQL server for the manifest and the lexical index (postgresql://user@host:port/db); "
        "None keeps them in the archive folder (SQLite and tantivy).",
    )
    upsert_batch_size: int = Field(64, gt=0, description="Articles per write batch (one transaction each).")

    def shape(self) -> dict[str, object]:
        """The fields that decide what is stored: an archive built with other values must be rebuilt."""
        return {
            "chunk_size": self.chunk_size,
            "chunk_overlap": self.chunk_overlap,
            "embed_title": self.embed_title,
            "embedding_model": self.embedding_model,
            "dense_chunks": self.dense_chunks,
        }


def default_cache() -> Path:
    """newsdesk's cache of model files: ``NEWSDESK_CACHE_DIR``, else ``$XDG_CACHE_HOME/newsdesk``, else
    ``~/.cache/newsdesk``."""
    if folder := os.environ.get("NEWSDESK_CACHE_DIR"):
        return Path(folder).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")).expanduser() / "newsdesk"
