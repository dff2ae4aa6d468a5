"""From a query to ranked passages.

Dense (chromadb) and lexical (BM25 by tantivy) candidates are fused by weighted reciprocal rank,
re-ranked by time (a period the question names, a preference for recent news), folded where several
articles carry the same passage (wire copies), and capped per article so the top covers several stories.
Hard filters (dates, ``as_of``, sources, article fields, excluded articles) apply inside both indexes, never
after the fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from pydantic import BaseModel, Field

from index.archive.store import ArchiveStore
from index.chunking import Chunk
from index.embedding import Embedder
from index.filters import ChunkFilter
from qa.errors import FilterError, InvalidArgumentError
from qa.filters import SearchFilters, epoch
from qa.retrieval.timeparse import TimeScope, resolve_time
from qa.settings import RetrievalSettings
from qa.types import Hit


class _Candidate(BaseModel):
    chunk: Chunk
    score: float = 0.0
    dense: float | None = None
    lexical: float | None = None
    copies: list[str] = Field(default_factory=list)


class Retriever:
    """Hybrid, time-aware retrieval with filters, duplicate folding and a per-article cap.

    Args:
        store: the archive.
        embedder: the model the archive was embedded with.
        settings: fusion and re-ranking knobs.
    """

    def __init__(self, store: ArchiveStore, embedder: Embedder, settings: RetrievalSettings | None = None) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings or RetrievalSettings()

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[Hit]:
        """The ``k`` best passages for ``query`` that pass ``filters`` (an empty list if none do).

        Raises:
            InvalidArgumentError: ``k`` is not positive.
            FilterError: a source filter names no publisher in the archive.
        """
        if k <= 0:
            raise InvalidArgumentError(f"k must be > 0, got {k}")
        filters = filters or SearchFilters()
        cfg = self.settings
        pool = max(cfg.candidates, k * 3)
        where = self.chunk_filter(filters)
        # The BM25 searches run while the query is embedded and searched densely: tantivy, torch and chroma
        # release the GIL, and on two cores this takes ~10 ms off a ~50 ms search.
        lexical_job = _LEXICAL_THREADS.submit(self.store.lexical_query, query, pool, where)
        # Reporting about a subject names it in the headline; a digest that mentions it in passing does not.
        titles_job = (
            _LEXICAL_THREADS.submit(self.store.lexical_query, query, pool, where, titles_only=True)
            if cfg.title_weight > 0
            else None
        )
        dense = self.store.query(self.embedder.embed_query(query), pool, where)
        lexical = lexical_job.result()
        candidates: dict[str, _Candidate] = {}
        for rank, item in enumerate(dense, start=1):
            candidate = candidates.setdefault(item.chunk.chunk_id, _Candidate(chunk=item.chunk))
            candidate.dense = item.similarity
            candidate.score += cfg.dense_weight / (cfg.rrf_k + rank)
        for rank, (chunk, bm25) in enumerate(lexical, start=1):
            candidate = candidates.setdefault(chunk.chunk_id, _Candidate(chunk=chunk))
            candidate.lexical = bm25
            candidate.score += cfg.lexical_weight / (cfg.rrf_k + rank)
        title_rank: dict[str, int] = {}
        if titles_job is not None:
            titles = titles_job.result()
            title_rank = {chunk.article_id: rank for rank, (chunk, _) in enumerate(titles, start=1)}
            # The headline ranking re-ranks what the body searches found and adds nothing of its own: an article
            # found by its headline alone shares a word or two with the query in it (the body search reads
            # headlines too, and ranked it below its depth), and the recency prior lifted such headlines into the
            # top 5 (dev: 90 of 1,645 top-5 articles, none gold or holding the answer).
            for candidate in candidates.values():
                if (rank := title_rank.get(candidate.chunk.article_id)) is not None:
                    candidate.score += cfg.title_weight / (cfg.rrf_k + rank)
        as_of = filters.as_of or datetime.now(timezone.utc)
        scope = resolve_time(query, as_of)
        for candidate in candidates.values():
            candidate.score *= self._time_factor(candidate.chunk.article.published_ts, scope, as_of)
        if cfg.article_support > 1:
            _sum_best_passages(candidates.values(), cfg.article_support)
        ranked = sorted(candidates.values(), key=lambda c: (-c.score, c.chunk.chunk_id))
        worded = {c.chunk.chunk_id for c in ranked if c.lexical is not None or c.chunk.article_id in title_rank}
        ranked = _headline_only_after_text(ranked, worded)
        fold_at = cfg.duplicate_similarity if cfg.collapse_duplicates else None
        return _to_hits(_select(ranked, k, cfg.max_passages_per_article, fold_at))

    def _time_factor(self, published_ts: int | None, scope: TimeScope, as_of: datetime) -> float:
        cfg = self.settings
        factor = 1.0
        if scope.since is not None and scope.until is not None:
            # A period named in the question is about the events, which articles often report later,
            # so it is a preference, not a filter.
            inside = published_ts is not None and scope.since.timestamp() <= published_ts <= scope.until.timestamp()
            factor = 1.0 + cfg.window_weight if inside else 1.0
            if not scope.current:
                return factor  # a closed period in the past: the newest reports are not the best ones
        if not (cfg.recency == "always" or (cfg.recency == "cue" and (scope.prefers_recent or scope.current))):
            return factor
        age_days = (
            cfg.undated_age_days if published_ts is None else max(0.0, (as_of.timestamp() - published_ts) / 86400)
        )
        # Flat within the news cycle, decaying beyond it: within a cycle the freshest piece is as often a
        # follow-up or an opinion as the report that states the facts, so text relevance decides there.
        cycle = scope.period_days if scope.period_days is not None else cfg.news_cycle_days
        past_cycle = max(0.0, age_days - cycle)
        return factor * (1.0 + cfg.recency_weight * 0.5 ** (past_cycle / cfg.recency_half_life_days))

    def chunk_filter(self, filters: SearchFilters) -> ChunkFilter:
        """``filters`` in the terms every index of the archive applies: epoch seconds, publishers as stored, and
        the article fields resolved to article ids once for all three indexes.

        Raises:
            FilterError: a source filter names no publisher in the archive.
        """
        return ChunkFilter(
            since_ts=epoch(filters.since),
            until_ts=epoch(filters.until),
            as_of_ts=epoch(filters.as_of),
            sources=tuple(self._resolve_sources(filters.sources)) if filters.sources else (),
            article_ids=frozenset(self.store.articles_with(filters.metadata)) if filters.metadata else None,
            exclude=frozenset(filters.exclude),
        )

    def _resolve_sources(self, wanted: tuple[str, ...]) -> list[str]:
        # Users type "reuters" or "usa today"; stored names are "Reuters", "USA Today".
        known = self.store.sources()
        by_lower = {name.lower(): name for name in known}
        resolved = [by_lower[w.lower()] for w in wanted if w.lower() in by_lower]
        if not resolved:
            listed = ", ".join(list(known)[:10])
            raise FilterError(f"no articles from {', '.join(wanted)} in this archive; its sources include {listed}")
        return resolved


_WORDS = re.compile(r"\w+")
# Shared by every Retriever: two workers cover the body and headline searches of one query.
_LEXICAL_THREADS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="newsdesk-bm25")


def _shingles(text: str, size: int = 3) -> set[tuple[str, ...]]:
    words = _WORDS.findall(text.lower())
    return {tuple(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}


def _sum_best_passages(candidates: Iterable[_Candidate], count: int) -> None:
    """Add to each article's best candidate the scores of its next best ``count - 1`` (CombSUM over the top few)."""
    by_article: dict[str, list[_Candidate]] = {}
    for candidate in candidates:
        by_article.setdefault(candidate.chunk.article_id, []).append(candidate)
    for passages in by_article.values():
        passages.sort(key=lambda c: (-c.score, c.chunk.chunk_id))
        passages[0].score += sum(c.score for c in passages[1:count])


def _headline_only_after_text(ranked: list[_Candidate], worded: set[str]) -> list[_Candidate]:
    """``ranked`` with every headline-only candidate moved below the last passage with text that shares the query's
    words (``worded``: matched by BM25 in its body or headline).

    A headline-only item (a feed stub, a bare URL whose slug is its only text) is all query words and no story, and an
    undated one is never pushed down by time, so it out-scores the article that reports the story. It never outranks
    such an article, and keeps its place among passages found by meaning alone, which is how it is still found when
    no text has its words (a rule that put it below every passage with text would bury it under the nearest
    unrelated neighbours dense search always returns).
    """
    stub = [c.chunk.article.headline_only for c in ranked]
    last = max((i for i, c in enumerate(ranked) if c.chunk.chunk_id in worded and not stub[i]), default=-1)
    above = range(last + 1)
    return [ranked[i] for i in above if not stub[i]] + [ranked[i] for i in above if stub[i]] + ranked[last + 1 :]


def _select(ranked: list[_Candidate], k: int, cap: int, fold_at: float | None) -> list[_Candidate]:
    """The top ``k`` of ``ranked`` with at most ``cap`` passages per article.

    With ``fold_at``, a passage whose word-shingle Jaccard with an already chosen passage of another
    article reaches it is a copy (wire copies and updated versions repeat passages nearly word for word):
    it is listed on the chosen one rather than shown again, so the top covers different reporting.
    """
    chosen: list[tuple[_Candidate, set[tuple[str, ...]]]] = []
    per_article: dict[str, int] = {}
    for candidate in ranked:
        if len(chosen) == k:
            break
        article = candidate.chunk.article_id
        if per_article.get(article, 0) >= cap:
            continue
        shingles = _shingles(candidate.chunk.text) if fold_at is not None else set()
        if fold_at is not None:
            twin = next(
                (c for c, sh in chosen if c.chunk.article_id != article and _similar(sh, shingles, fold_at)), None
            )
            if twin is not None:
                if article not in twin.copies:
                    twin.copies.append(article)
                continue
        chosen.append((candidate, shingles))
        per_article[article] = per_article.get(article, 0) + 1
    return [candidate for candidate, _ in chosen]


def _similar(a: set[tuple[str, ...]], b: set[tuple[str, ...]], threshold: float) -> bool:
    # Jaccard can be no higher than the ratio of the set sizes: a cheap test that skips most pairs.
    if not a or not b or min(len(a), len(b)) < threshold * max(len(a), len(b)):
        return False
    return len(a & b) / len(a | b) >= threshold


def _to_hits(candidates: list[_Candidate]) -> list[Hit]:
    return [
        Hit(
            rank=rank,
            chunk_id=c.chunk.chunk_id,
            article=c.chunk.article,
            text=c.chunk.text,
            start=c.chunk.start,
            end=c.chunk.end,
            score=c.score,
            dense_score=c.dense,
            lexical_score=c.lexical,
            copies=tuple(c.copies),
        )
        for rank, c in enumerate(candidates, start=1)
    ]
