"""Speed measurements that print numbers (speed targets live here, never in timed tests)."""

from __future__ import annotations

import json
import resource
import statistics
import time
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from pydantic import BaseModel, Field

from qa.api import Desk


class SearchBenchmark(BaseModel):
    """Latency of ``Desk.search`` over a set of queries."""

    queries: int
    k: int
    p50_ms: float
    p95_ms: float
    mean_ms: float
    max_ms: float
    archive_articles: int
    archive_chunks: int
    peak_rss_mb: float = Field(description="Peak resident memory of this process.")


def read_queries(path: Path, limit: int | None = None) -> list[tuple[str, datetime | None]]:
    """Queries from a text file (one a line) or JSONL (``question``/``question_sentence``, optional as-of date).

    RealTimeQA files work as they are: ``question_date`` becomes each query's as_of.
    """
    queries: list[tuple[str, datetime | None]] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            record = json.loads(line)
            text = record.get("question") or record.get("question_sentence") or record.get("query")
            day = record.get("as_of") or record.get("question_date")
            as_of = (
                datetime.strptime(day.replace("-", "/"), "%Y/%m/%d").replace(hour=23, minute=59, tzinfo=timezone.utc)
                if day
                else None
            )
            queries.append((str(text), as_of))
        else:
            queries.append((line.strip(), None))
        if limit is not None and len(queries) >= limit:
            break
    return queries


def benchmark_search(desk: Desk, queries: Iterable[tuple[str, datetime | None]], k: int = 10) -> SearchBenchmark:
    """Run every query once after one warm-up, and report latency percentiles."""
    queries = list(queries)
    if not queries:
        raise ValueError("no queries to benchmark; give a file with one query a line or a question JSONL")
    desk.search(queries[0][0], k=k, as_of=queries[0][1])  # loads the models and opens the indexes
    timings = []
    for text, as_of in queries:
        started = time.perf_counter()
        desk.search(text, k=k, as_of=as_of)
        timings.append((time.perf_counter() - started) * 1000)
    ordered = sorted(timings)
    stats = desk.stats()
    return SearchBenchmark(
        queries=len(timings),
        k=k,
        p50_ms=round(statistics.median(ordered), 1),
        p95_ms=round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1),
        mean_ms=round(statistics.fmean(ordered), 1),
        max_ms=round(ordered[-1], 1),
        archive_articles=stats.articles,
        archive_chunks=stats.chunks,
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    )
