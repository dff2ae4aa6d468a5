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


class AnswerBenchmark(BaseModel):
    """Latency of ``Desk.ask_stream`` over a set of questions: time to first token and to the checked answer."""

    questions: int
    first_token_p50_ms: float
    first_token_p95_ms: float
    answer_p50_ms: float
    answer_p95_ms: float
    prompt_tokens_mean: float
    answered_by_model: int = Field(description="Answers the LLM wrote (the rest abstained or were extractive).")
    model: str


def benchmark_answers(desk: Desk, queries: Iterable[tuple[str, datetime | None]]) -> AnswerBenchmark:
    """Ask every question once (streaming) after one warm-up; report first-token and full-answer percentiles.

    Answers given without the model (abstentions before the LLM, speaker statement lists) count in the full-answer
    times; first-token times come from the answers the model wrote.
    """
    queries = list(queries)
    if not queries:
        raise ValueError("no questions to benchmark; give a file with one question a line or a question JSONL")
    desk.ask(queries[0][0], as_of=queries[0][1])  # loads the models; llama.cpp's first prompt is slower
    first, total, prompt_tokens = [], [], []
    for text, as_of in queries:
        started = time.perf_counter()
        stream = desk.ask_stream(text, as_of=as_of)
        for _ in stream:
            pass
        total.append((time.perf_counter() - started) * 1000)
        answer = stream.answer
        if answer is not None and answer.timings.first_token_ms:
            # first token as the reader sees it: retrieval and evidence selection come before the model's first word
            first.append(answer.timings.retrieve_ms + answer.timings.first_token_ms)
            prompt_tokens.append(answer.timings.prompt_tokens)
    return AnswerBenchmark(
        questions=len(total),
        first_token_p50_ms=_percentile(first, 0.5),
        first_token_p95_ms=_percentile(first, 0.95),
        answer_p50_ms=_percentile(total, 0.5),
        answer_p95_ms=_percentile(total, 0.95),
        prompt_tokens_mean=round(statistics.fmean(prompt_tokens), 1) if prompt_tokens else 0.0,
        answered_by_model=len(first),
        model=desk.llm.name,
    )


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] if q != 0.5 else statistics.median(ordered), 1)
