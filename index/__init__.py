"""From files to a searchable archive: loading, cleaning, chunking, embedding and storage."""

from index.archive.store import ArchiveStats, ArchiveStore, StoredChunk
from index.articles import Article, article_from_record, clean_text, parse_date
from index.chunking import Chunk, chunk_article, count_tokens
from index.cleaning import Stripped, strip_furniture, without_furniture
from index.embedding import Embedder, HashEmbedder, MiniLMEmbedder, make_embedder
from index.errors import (
    ArchiveBusyError,
    ArchiveNotFoundError,
    ArchiveSettingsError,
    ClusterError,
    EmptyIndexError,
    IngestError,
    InvalidArgumentError,
    ModelError,
    NewsDeskError,
)
from index.filters import ChunkFilter
from index.pipeline import IngestFailure, IngestReport, ingest
from index.reference import ArticleRef
from index.settings import IndexSettings
from index.urls import source_from_url

__all__ = [
    "Article",
    "ArticleRef",
    "article_from_record",
    "clean_text",
    "parse_date",
    "source_from_url",
    "Stripped",
    "strip_furniture",
    "without_furniture",
    "Chunk",
    "ChunkFilter",
    "chunk_article",
    "count_tokens",
    "Embedder",
    "HashEmbedder",
    "MiniLMEmbedder",
    "make_embedder",
    "ArchiveBusyError",
    "ArchiveNotFoundError",
    "ArchiveSettingsError",
    "ClusterError",
    "EmptyIndexError",
    "IngestError",
    "InvalidArgumentError",
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
