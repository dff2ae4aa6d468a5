"""From files to a searchable archive: loading, cleaning, chunking, embedding and storage."""

from index.archive.store import ArchiveStats, ArchiveStore, StoredChunk
from index.articles import Article, article_from_record, clean_text, parse_date, source_from_url
from index.chunking import Chunk, chunk_article, count_tokens
from index.embedding import Embedder, HashEmbedder, MiniLMEmbedder, make_embedder
from index.errors import ArchiveNotFoundError, EmptyIndexError, IngestError, ModelError, NewsDeskError
from index.pipeline import IngestFailure, IngestReport, ingest
from index.settings import IndexSettings

__all__ = [
    "Article",
    "article_from_record",
    "clean_text",
    "parse_date",
    "source_from_url",
    "Chunk",
    "chunk_article",
    "count_tokens",
    "Embedder",
    "HashEmbedder",
    "MiniLMEmbedder",
    "make_embedder",
    "ArchiveNotFoundError",
    "EmptyIndexError",
    "IngestError",
    "ModelError",
    "NewsDeskError",
    "IngestFailure",
    "IngestReport",
    "ingest",
    "IndexSettings",
    "ArchiveStats",
    "ArchiveStore",
    "StoredChunk",
]
