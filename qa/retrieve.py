"""From a query to ranked passages: dense (chromadb) and lexical (BM25) retrieval fused by reciprocal rank,
with date and source filters and a cap on passages per article."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from index.chunking import Chunk
from index.embedding import Embedder
from index.errors import NewsDeskError
from index.store import ArchiveStore, StoredChunk
from qa.types import Hit

# At most this many passages of one article among the results, so the top covers several articles.
MAX_PASSAGES_PER_ARTICLE = 2
# Reciprocal rank fusion's damping constant; 60 is the value of the original RRF paper.
RRF_K = 60


class SearchFilters(BaseModel):
    """Which articles a query may return.

    ``as_of`` is the "now" of the query: nothing published after it is returned.
    """

    model_config = ConfigDict(frozen=True)

    since: datetime | None = Field(None, description="Earliest publication time (inclusive).")
    until: datetime | None = Field(None, description="Latest publication time (inclusive).")
    sources: tuple[str, ...] = Field((), description="Publishers to keep; empty keeps all.")
    as_of: datetime | None = Field(None, description="Query time; later articles are never returned.")

    def latest(self) -> datetime | None:
        """The effective upper bound: the earlier of ``until`` and ``as_of``."""
        bounds = [_utc(d) for d in (self.until, self.as_of) if d is not None]
        return min(bounds) if bounds else None


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Retriever:
    """Hybrid retrieval with filters and a per-article cap.

    Args:
        store: the archive.
        embedder: the model the archive was embedded with.
    """

    def __init__(self, store: ArchiveStore, embedder: Embedder) -> None:
        self.store = store
        self.embedder = embedder

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[Hit]:
        """The ``k`` best passages for ``query`` that pass ``filters``.

        Dense and lexical candidates are fused by reciprocal rank: a passage found by both ranks high,
        and names or numbers that embeddings blur are still found by their words.

        Raises:
            ValueError: ``k`` is not positive, or ``since`` is after the effective end date.
            NewsDeskError: a source filter names no publisher in the archive.
        """
        if k <= 0:
            raise ValueError(f"k must be > 0, got {k}")
        filters = filters or SearchFilters()
        where = self._where(filters)
        pool = k * 3  # over-fetch so fusion and the per-article cap still leave k passages
        dense = self.store.query(self.embedder.embed_query(query), pool, where)
        latest = filters.latest()
        lexical = self.store.lexical_query(
            query,
            pool,
            since_ts=int(_utc(filters.since).timestamp()) if filters.since else None,
            until_ts=int(latest.timestamp()) if latest else None,
            sources=self._resolve_sources(filters.sources) if filters.sources else (),
        )
        fused = _fuse(dense, lexical)
        return _to_hits(_cap_per_article(fused, MAX_PASSAGES_PER_ARTICLE)[:k])

    def _where(self, filters: SearchFilters) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if filters.since is not None:
            clauses.append({"published_ts": {"$gte": int(_utc(filters.since).timestamp())}})
        latest = filters.latest()
        if latest is not None:
            clauses.append({"published_ts": {"$lte": int(latest.timestamp())}})
        if filters.since is not None and latest is not None and _utc(filters.since) > latest:
            raise ValueError(f"since ({filters.since:%Y-%m-%d}) is after the end of the window ({latest:%Y-%m-%d})")
        if filters.sources:
            clauses.append({"source": {"$in": self._resolve_sources(filters.sources)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def _resolve_sources(self, wanted: tuple[str, ...]) -> list[str]:
        # Users type "reuters" or "usa today"; stored names are "Reuters", "USA Today".
        known = self.store.sources()
        by_lower = {name.lower(): name for name in known}
        resolved = [by_lower[w.lower()] for w in wanted if w.lower() in by_lower]
        if not resolved:
            listed = ", ".join(list(known)[:10])
            raise NewsDeskError(f"no articles from {', '.join(wanted)} in this archive; its sources include {listed}")
        return resolved


class _Candidate(BaseModel):
    chunk: Chunk
    score: float
    dense: float | None = None


def _fuse(dense: list[StoredChunk], lexical: list[tuple[Chunk, float]]) -> list[_Candidate]:
    scores: dict[str, _Candidate] = {}
    for rank, item in enumerate(dense, start=1):
        scores[item.chunk.chunk_id] = _Candidate(chunk=item.chunk, score=1 / (RRF_K + rank), dense=item.similarity)
    for rank, (chunk, _) in enumerate(lexical, start=1):
        found = scores.setdefault(chunk.chunk_id, _Candidate(chunk=chunk, score=0.0))
        found.score += 1 / (RRF_K + rank)
    return sorted(scores.values(), key=lambda c: (-c.score, c.chunk.chunk_id))


def _cap_per_article(candidates: list[_Candidate], cap: int) -> list[_Candidate]:
    counts: dict[str, int] = {}
    kept = []
    for item in candidates:
        seen = counts.get(item.chunk.article_id, 0)
        if seen < cap:
            kept.append(item)
            counts[item.chunk.article_id] = seen + 1
    return kept


def _to_hits(candidates: list[_Candidate]) -> list[Hit]:
    return [
        Hit(
            rank=rank,
            chunk_id=c.chunk.chunk_id,
            article_id=c.chunk.article_id,
            text=c.chunk.text,
            start=c.chunk.start,
            end=c.chunk.end,
            title=c.chunk.title,
            source=c.chunk.source,
            url=c.chunk.url,
            published_at=datetime.fromtimestamp(c.chunk.published_ts, tz=timezone.utc)
            if c.chunk.published_ts is not None
            else None,
            score=c.score,
            dense_score=c.dense,
        )
        for rank, c in enumerate(candidates, start=1)
    ]
