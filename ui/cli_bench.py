"""``newsdesk bench``: search latency over a question file, answer latency (``--answers``), or ingest throughput next
to the embedding model alone (``--articles``). Registered on the group in ``ui/cli.py``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel

from evals.bench import AnswerBenchmark, SearchBenchmark, benchmark_answers, benchmark_search, read_queries
from evals.bench_ingest import RAW_SAMPLE, IngestBenchmark, benchmark_ingest
from qa import Desk
from ui.cli_ingest import _estimate_records
from ui.options import archive_option, friendly_errors, llm_options, servers_named, settings_from

_STDOUT = "-"
_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("bench")
@click.argument("queries", required=False, type=_FILE)
@click.option("--articles", type=click.Path(exists=True, path_type=Path), default=None,
              help="Benchmark ingest instead: ingest this file into a new temporary archive (default settings, the "
                   "bundled model), then time the model alone on the texts ingest embedded, and compare.")
@click.option("--keep-archive", "keep", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="With --articles: build the archive in this new folder and keep it, to search, serve or copy.")
@click.option("--questions", type=_FILE, default=None,
              help="Questions to time search with (same as QUERIES); with --articles, over the new archive.")
@archive_option
@click.option("-k", "--top", "k", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Use only the first N queries; with --articles, ingest only the first N records.")
@click.option("--raw-sample", type=click.IntRange(min=1), default=RAW_SAMPLE, show_default=True,
              help="With --articles: how many of the embedded texts the model encodes alone.")
@click.option("--json", "json_out", is_flag=False, flag_value=_STDOUT, default=None, metavar="[OUT]",
              help="Machine-readable output: alone, the JSON on stdout; with a file name, the JSON written there "
                   "and the figures printed (write it after QUERIES).")
@click.option("--answers", is_flag=True,
              help="Time answers with the LLM (first text, first token, checked answer) instead of search.")
@llm_options
@click.pass_context
@friendly_errors
def bench_command(ctx: click.Context, queries: Path | None, articles: Path | None, questions: Path | None,
                  keep: Path | None, k: int, limit: int | None, raw_sample: int, json_out: str | None,
                  answers: bool, **options: Any) -> None:
    """Measure search latency (p50/p95) over QUERIES (one a line, or a question JSONL); --answers times answers;
    --articles FILE measures ingest against the embedding model's own speed.

    \b
    Examples:
      newsdesk bench questions.jsonl --archive ~/news
      newsdesk bench --articles news.jsonl.gz --questions questions.jsonl --json bench.json
    """
    if queries and questions:
        raise click.UsageError("give the questions once: as QUERIES or as --questions")
    questions = questions or queries
    _check_output(json_out, [p for p in (questions, articles) if p])
    if articles is not None:
        if answers or options.get("archive") or servers_named(ctx):
            raise click.UsageError("--articles builds its own temporary archive (in this folder's files, no servers) "
                                   "and times ingest and search; drop --answers and --archive")
        _emit(_bench_ingest(ctx, articles, questions, limit, k, raw_sample, json_out, keep), json_out)
        return
    if keep is not None:
        raise click.UsageError("--keep-archive keeps the archive --articles builds; give --articles FILE")
    if questions is None:
        named = json_out not in (None, _STDOUT)
        hint = " (--json takes an optional file name: write it after QUERIES)" if named else ""
        raise click.UsageError(f"give QUERIES, or --articles FILE to benchmark ingest{hint}")
    settings = settings_from(ctx)
    desk = Desk.open(settings.archive, settings)
    if answers:
        _emit(benchmark_answers(desk, read_queries(questions, limit)), json_out)
    else:
        _emit(benchmark_search(desk, read_queries(questions, limit), k=k), json_out)


def _bench_ingest(ctx: click.Context, articles: Path, questions: Path | None, limit: int | None, k: int,
                  raw_sample: int, json_out: str | None, keep: Path | None) -> IngestBenchmark:
    from tqdm import tqdm

    settings = settings_from(ctx)
    total = _estimate_records((str(articles),))
    total = min(total, limit) if total and limit else total or limit
    # Ingest reports a few batches at a time (as the model finishes a call), so the ETA is from the average rate
    # since the start (smoothing=0), which bursts do not throw about.
    with tqdm(total=total, unit=" articles", file=sys.stderr, disable=json_out == _STDOUT, dynamic_ncols=True,
              smoothing=0) as bar:
        try:
            return benchmark_ingest(articles, settings, questions=questions, limit=limit, k=k, raw_sample=raw_sample,
                                    progress=bar.update, keep=keep)
        except FileExistsError as exc:  # raised before any work
            raise click.UsageError(str(exc)) from exc


def _check_output(json_out: str | None, inputs: list[Path]) -> None:
    # `bench --json questions.jsonl` reads the file name as where to write the JSON: never overwrite an input.
    if json_out in (None, _STDOUT):
        return
    target = Path(json_out).resolve()
    if any(target == path.resolve() for path in inputs):
        raise click.UsageError(f"--json {json_out} would overwrite an input; name another file for the JSON")


def _emit(result: BaseModel, json_out: str | None) -> None:
    """The result as JSON (on stdout, or in a file next to the printed figures), or as figures for people."""
    if json_out == _STDOUT:
        click.echo(result.model_dump_json(indent=2))
        return
    if json_out is not None:
        Path(json_out).write_text(result.model_dump_json(indent=2) + "\n", encoding="utf-8")
    click.echo(render(result))
    if json_out is not None:
        click.echo(f"JSON written to {json_out}", err=True)


def _ms_text(value: float | None) -> str:
    return "none" if value is None else f"{value} ms"


def render(result: BaseModel) -> str:
    """Figures of one benchmark, for people."""
    if isinstance(result, IngestBenchmark):
        return _ingest_text(result)
    if isinstance(result, AnswerBenchmark):
        return (
            f"{result.questions} answers with {result.model} ({result.answered_by_model} written by the model, "
            f"~{result.prompt_tokens_mean:.0f} prompt tokens; {result.led} began with a quoted lead): "
            f"first text p50 {result.first_text_p50_ms} ms, p95 {result.first_text_p95_ms} ms "
            f"(p50 {_ms_text(result.first_text_led_p50_ms)} where a quote led, "
            f"{_ms_text(result.first_text_unled_p50_ms)} elsewhere); "
            f"model's first token p50 {result.first_token_p50_ms} ms, p95 {result.first_token_p95_ms} ms; "
            f"checked answer p50 {result.answer_p50_ms} ms, p95 {result.answer_p95_ms} ms"
            + (f"; llama.cpp built for {' '.join(f for f in result.llama_cpp if f.startswith('AVX'))}"
               if result.llama_cpp else "")
        )
    assert isinstance(result, SearchBenchmark)
    text = (
        f"search over {result.archive_articles} articles / {result.archive_chunks} chunks, "
        f"{result.queries} queries, k={result.k}: p50 {result.p50_ms} ms, p95 {result.p95_ms} ms, "
        f"mean {result.mean_ms} ms, max {result.max_ms} ms; peak RSS {result.peak_rss_mb} MB"
    )
    if result.judged:
        text += (
            f"\ngold article found ({result.judged} queries whose gold article is in the archive): "
            f"Hits@1 {result.hits_at_1}, Hits@5 {result.hits_at_5}, MRR@10 {result.mrr_at_10}"
        )
    return text


def _ingest_text(r: IngestBenchmark) -> str:
    threads = f", {r.torch_threads} torch threads" if r.torch_threads else ""
    ratio = f"{r.ingest_vs_raw_ratio:.3f}" if r.ingest_vs_raw_ratio is not None else "n/a"
    cpu_ratio = f"{r.ingest_vs_raw_cpu_ratio:.3f}" if r.ingest_vs_raw_cpu_ratio is not None else "n/a"
    sizes = ", ".join(f"{part} {mb:,.1f} MB" for part, mb in r.index_mb.items() if part != "total")
    lines = [
        f"ingest of {r.file} into a new archive ({r.model}, batch {r.embed_batch_size}{threads}; "
        f"model loaded in {r.model_load_seconds} s before the clock):",
        f"  {r.read} records read: {r.articles} articles stored, {r.duplicates} duplicates, {r.failed} failed; "
        f"{r.chunks} chunks ({r.embedded_chunks} embedded) in {r.seconds} s",
        f"  ingest: {r.articles_per_s} articles/s, {r.chunks_per_s} chunks/s, {r.embedded_per_s} embedded chunks/s "
        f"(the model busy {r.model_busy_seconds} s of it)",
        f"  model alone: {r.raw_texts_per_s} texts/s on {r.raw_texts} of the embedded texts ({r.raw_seconds} s); "
        f"ingest/raw ratio {ratio}",
        f"  CPU time: ingest {r.cpu_seconds} s, model alone {r.raw_cpu_seconds} s; ingest/raw ratio per CPU second "
        f"{cpu_ratio} (steadier than wall time when other programs load the machine)",
        f"  peak RSS of this process: {r.ingest_peak_rss_mb:,.0f} MB at the end of ingest, "
        f"{r.peak_rss_mb:,.0f} MB over the whole benchmark",
        f"  index on disk: {sizes}; {r.index_mb['total']:,.1f} MB in all",
        f"  load average (1 min): {r.load_average[0]} before, {r.load_average[1]} after",
    ]
    if r.search is not None:
        lines.append(render(r.search))
    return "\n".join(lines)
