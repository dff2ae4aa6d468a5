"""Speed measurements that print numbers (speed targets live here, never in timed tests)."""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

from pydantic import BaseModel, Field

from evals.metrics import dedupe, hits_at_k, mean, mrr_at_k, percentile
from qa.answering.grammar import warm as warm_grammar
from qa.desk import Desk
from qa.errors import InvalidArgumentError
from qa.filters import SearchFilters
from qa.llm.local import LocalLLM, llama_cpp_cpu_features


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
    judged: int = Field(0, description="Queries whose gold article (``gold_article_ids``) is in the archive.")
    hits_at_1: float | None = Field(None, description="Share of judged queries with a gold article first.")
    hits_at_5: float | None = Field(None, description="... with a gold article among the first 5 articles.")
    mrr_at_10: float | None = Field(None, description="Mean reciprocal rank of the first gold article (0 past 10).")


class BenchQuery(NamedTuple):
    """One benchmark query: its text, the date it is asked as of, and the articles that answer it (if known)."""

    text: str
    as_of: datetime | None = None
    gold: tuple[str, ...] = ()


def read_queries(path: Path, limit: int | None = None) -> list[BenchQuery]:
    """Queries from a text file (one a line) or JSONL (``question``/``question_sentence``, optional as-of date,
    optional ``gold_article_ids``).

    RealTimeQA files work as they are: ``question_date`` becomes each query's as_of.
    """
    queries: list[BenchQuery] = []
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
            queries.append(BenchQuery(str(text), as_of, tuple(record.get("gold_article_ids") or ())))
        else:
            queries.append(BenchQuery(line.strip()))
        if limit is not None and len(queries) >= limit:
            break
    return queries


def benchmark_search(desk: Desk, queries: Iterable[BenchQuery], k: int = 10) -> SearchBenchmark:
    """Run every query once after one warm-up, and report latency percentiles.

    Queries that name gold articles held by the archive are also scored (Hits@1, Hits@5, MRR@10 over articles),
    so the same run says how well search does at this archive's size.
    """
    queries = list(queries)
    if not queries:
        raise InvalidArgumentError("no queries to benchmark; give a file with one query a line or a question JSONL")
    desk.search(queries[0].text, query_filters(queries[0]), k=k)  # loads the models and opens the indexes
    timings: list[float] = []
    scores: list[tuple[float, float, float]] = []
    for query in queries:
        started = time.perf_counter()
        hits = desk.search(query.text, query_filters(query), k=k)
        timings.append((time.perf_counter() - started) * 1000)
        gold = {g for g in query.gold if desk.article(g) is not None}
        if gold:
            ranked = dedupe(hit.article_id for hit in hits)
            scores.append((hits_at_k(ranked, gold, 1), hits_at_k(ranked, gold, 5), mrr_at_k(ranked, gold, 10)))
    stats = desk.stats()
    return SearchBenchmark(
        queries=len(timings),
        k=k,
        p50_ms=_ms(percentile(timings, 50)),
        p95_ms=_ms(percentile(timings, 95)),
        mean_ms=_ms(mean(timings)),
        max_ms=_ms(max(timings)),
        archive_articles=stats.articles,
        archive_chunks=stats.chunks,
        peak_rss_mb=peak_rss_mb(),
        judged=len(scores),
        hits_at_1=_share(s[0] for s in scores),
        hits_at_5=_share(s[1] for s in scores),
        mrr_at_10=_share(s[2] for s in scores),
    )


class AnswerBenchmark(BaseModel):
    """Latency of ``Desk.ask_stream`` over a set of questions, from the call to what the reader sees: the first
    text (the quoted lead when there is one, else the model's first words), the model's first token, and the
    checked answer."""

    questions: int
    first_text_p50_ms: float
    first_text_p95_ms: float
    first_token_p50_ms: float
    first_token_p95_ms: float
    answer_p50_ms: float
    answer_p95_ms: float
    prompt_tokens_mean: float
    answered_by_model: int = Field(description="Answers the LLM wrote (the rest abstained before it was asked).")
    led: int = Field(description="Answers that began with a quoted lead from a source.")
    first_text_led_p50_ms: float | None = Field(
        None, description="First-text p50 of the answers that began with a quoted lead (None when none did).")
    first_text_unled_p50_ms: float | None = Field(
        None, description="First-text p50 of the others: the model's first words, or an answer made without it. The "
                          "overall p50 depends on how many questions of the sample a quote leads.")
    model: str
    llama_cpp: list[str] = Field(
        default_factory=list,
        description="CPU instruction sets of the llama.cpp build that ran the bundled model (empty for an endpoint)."
    )


def benchmark_answers(desk: Desk, queries: Iterable[BenchQuery]) -> AnswerBenchmark:
    """Ask every question once (streaming) after one warm-up; report first-text, first-token and full-answer
    percentiles, each timed from the call, so retrieval and evidence selection count.

    Answers given without the model (abstentions before the LLM, speaker statement lists) count in the full-answer
    and first-text times; first-token times come from the answers the model wrote.
    """
    queries = list(queries)
    if not queries:
        raise InvalidArgumentError(
            "no questions to benchmark; give a file with one question a line or a question JSONL"
        )
    desk.ask(queries[0].text, query_filters(queries[0]))  # loads the models; llama.cpp's first prompt is slower
    warm_grammar(wait=True)  # and the grammar the check of "who" answers reads, whatever the first question asks
    first_text, first_token, total, prompt_tokens = [], [], [], []
    led, first_text_led, first_text_unled = 0, [], []
    for query in queries:
        started = time.perf_counter()
        stream = desk.ask_stream(query.text, query_filters(query))
        # The lead, when there is one, is the first piece; the model's words follow it. An answer made without the
        # model is there before the stream is read, and arrives as one piece.
        model_pieces_from = 1 if stream.quoted else 0  # a lead awaiting the judge comes first too, as draft
        by_model = stream.answer is None
        led += stream.quoted
        for n, _ in enumerate(stream):
            now = (time.perf_counter() - started) * 1000
            if n == 0:
                first_text.append(now)
                (first_text_led if stream.quoted else first_text_unled).append(now)
            if by_model and n == model_pieces_from:
                first_token.append(now)
        total.append((time.perf_counter() - started) * 1000)
        if by_model and stream.answer is not None:
            prompt_tokens.append(stream.answer.timings.prompt_tokens)
    return AnswerBenchmark(
        questions=len(total),
        first_text_p50_ms=_ms(percentile(first_text, 50)),
        first_text_p95_ms=_ms(percentile(first_text, 95)),
        first_token_p50_ms=_ms(percentile(first_token, 50)),
        first_token_p95_ms=_ms(percentile(first_token, 95)),
        answer_p50_ms=_ms(percentile(total, 50)),
        answer_p95_ms=_ms(percentile(total, 95)),
        prompt_tokens_mean=_ms(mean(prompt_tokens)),
        answered_by_model=len(prompt_tokens),
        led=led,
        first_text_led_p50_ms=_ms(percentile(first_text_led, 50), missing=None),
        first_text_unled_p50_ms=_ms(percentile(first_text_unled, 50), missing=None),
        model=desk.llm.name,
        llama_cpp=llama_cpp_cpu_features() if isinstance(desk.llm, LocalLLM) else [],
    )


def query_filters(query: BenchQuery) -> SearchFilters:
    """The filters a benchmark query is asked with: its as-of date, if it has one."""
    return SearchFilters(as_of=query.as_of)


def _ms(value: float | None, missing: float | None = 0.0) -> float | None:
    """``value`` rounded to 0.1 ms; ``missing`` when there is none (0.0 for the always-present figures)."""
    return round(value, 1) if value is not None else missing


def _share(values: Iterable[float]) -> float | None:
    average = mean(values)
    return round(average, 3) if average is not None else None


def peak_rss_mb() -> float:
    """The process's peak resident memory so far, in MB: the high-water mark of the whole process, never just one
    phase's (``ru_maxrss`` is in KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
