"""The ``newsdesk`` command: each subcommand parses, makes one ``qa`` call, and renders.

Errors from newsdesk become one line on stderr and exit code 1; ``NEWSDESK_DEBUG=1`` shows the traceback.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path
from typing import Any, TypeVar

import click

from qa import EXAMPLE_QUESTION, Answer, Desk, Hit, NewsDeskError, Settings, sample_archive_path
from qa.settings import LLMSettings

F = TypeVar("F", bound=Callable[..., Any])


def _date(value: str | None, *, end_of_day: bool = False) -> datetime | None:
    if value is None:
        return None
    from index.articles import parse_date

    try:
        parsed = parse_date(value)
    except ValueError:
        raise click.BadParameter(f"unparseable date {value!r}; use YYYY-MM-DD") from None
    assert parsed is not None
    if end_of_day and parsed.time() == time(0, 0):
        # "--until 2022-06-16" means through the end of that day.
        parsed = parsed.replace(hour=23, minute=59, second=59)
    return parsed


def _settings(ctx: click.Context) -> Settings:
    params = ctx.params
    llm_overrides = {
        key: params[name]
        for key, name in (
            ("backend", "llm_backend"),
            ("model", "llm_model"),
            ("base_url", "llm_base_url"),
            ("api_key", "llm_api_key"),
        )
        if params.get(name)
    }
    settings = Settings()
    if llm_overrides:
        if "base_url" in llm_overrides and "backend" not in llm_overrides:
            llm_overrides["backend"] = "openai"
        settings = settings.model_copy(update={"llm": LLMSettings(**{**settings.llm.model_dump(), **llm_overrides})})
    if params.get("archive"):
        settings = settings.model_copy(update={"archive": Path(params["archive"]).expanduser()})
    return settings


def archive_option(func: F) -> F:
    """``--archive PATH`` on every command."""
    return click.option(
        "--archive",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Archive folder (default: NEWSDESK_ARCHIVE or ~/.newsdesk).",
    )(func)


def llm_options(func: F) -> F:
    """Options choosing the language model."""
    for option in reversed(
        [
            click.option(
                "--llm-backend",
                type=click.Choice(["local", "openai"]),
                default=None,
                help="local: the bundled model in-process; openai: an OpenAI-compatible endpoint.",
            ),
            click.option("--llm-model", default=None, help="Bundled model name or the endpoint's model."),
            click.option(
                "--llm-base-url", default=None, help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1."
            ),
            click.option("--llm-api-key", default=None, help="Key for the endpoint."),
        ]
    ):
        func = option(func)
    return func


def filter_options(func: F) -> F:
    """Date and source filters shared by search and ask."""
    for option in reversed(
        [
            click.option("--since", default=None, help="Only articles published on or after this date."),
            click.option("--until", default=None, help="Only articles published on or before this date."),
            click.option(
                "--as-of", "as_of", default=None, help="Ask as if it were this date: later articles are ignored."
            ),
            click.option("--source", "sources", multiple=True, help="Only this publisher (repeatable)."),
            click.option(
                "--where",
                "where",
                multiple=True,
                metavar="FIELD=VALUE",
                help="Only articles whose field has this value, e.g. --where topics=cocoa (repeatable).",
            ),
            click.option("--json", "as_json", is_flag=True, help="Machine-readable output."),
        ]
    ):
        func = option(func)
    return func


def friendly_errors(func: F) -> F:
    """Turn newsdesk errors into one line and exit code 1 (unless NEWSDESK_DEBUG is set)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (NewsDeskError, ValueError) as exc:
            if _debug():
                raise
            raise click.ClickException(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


def _debug() -> bool:
    try:
        return Settings().debug
    except ValueError:
        return False


@click.group()
@click.version_option(package_name="newsdesk")
def cli() -> None:
    """newsdesk: ask questions of a news archive and get answers with cited, dated sources."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")


@cli.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@archive_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
@friendly_errors
def ingest_command(ctx: click.Context, paths: tuple[str, ...], archive: Path | None, as_json: bool) -> None:
    """Ingest files and folders (JSON, JSONL, CSV, HTML, RSS/Atom, TXT, MD; .gz too) into the archive."""
    from tqdm import tqdm

    settings = _settings(ctx)
    desk = Desk.open(settings.archive, settings, create=True)
    with tqdm(
        total=_estimate_records(paths), unit=" articles", file=sys.stderr, disable=as_json, dynamic_ncols=True
    ) as bar:
        report = desk.ingest(paths, progress=bar.update)
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    else:
        click.echo(f"{settings.archive}: {report.summary()}")
        for failure in report.failed[:20]:
            click.echo(f"  failed: {failure}", err=True)
        if len(report.failed) > 20:
            click.echo(f"  … and {len(report.failed) - 20} more (use --json for all)", err=True)
    if report.failed:
        ctx.exit(1)


def _estimate_records(paths: tuple[str, ...]) -> int | None:
    # A cheap count for the progress bar: lines of JSON Lines files, one per other file.
    import gzip

    from index.loaders import discover
    from index.loaders.base import base_suffix

    total = 0
    for item in discover(paths):
        if not isinstance(item, Path):
            total += 1
        elif base_suffix(item) in (".jsonl", ".ndjson"):
            opener = gzip.open if item.suffix == ".gz" else open
            try:
                with opener(item, "rb") as handle:  # type: ignore[operator]
                    total += sum(1 for line in handle if line.strip())
            except (OSError, EOFError):
                total += 1
        else:
            total += 1
    return total or None


@cli.command("ask")
@click.argument("question")
@archive_option
@filter_options
@llm_options
@click.option("--stream/--no-stream", default=True, show_default=True,
              help="Print the model's words as they come (the checked answer with citations follows).")
@click.pass_context
@friendly_errors
def ask_command(ctx: click.Context, question: str, stream: bool, **options: Any) -> None:
    """Answer a question from the archive, with [n] citations."""
    settings = _settings(ctx)
    desk = Desk.open(settings.archive, settings)
    if options["as_json"] or not stream:
        answer = desk.ask(question, **_filters(options))
        click.echo(answer.model_dump_json(indent=2) if options["as_json"] else render_answer(answer))
        return
    pieces = desk.ask_stream(question, **_filters(options))
    streamed = "".join(click.echo(piece, nl=False) or piece for piece in pieces)
    final = pieces.answer
    assert final is not None  # set once the stream is exhausted
    click.echo("")
    if final.text.strip() != streamed.strip():
        # Citations are added and unsupported sentences dropped after the check, so the checked text follows.
        click.echo("\nChecked answer:")
        click.echo(render_answer(final))
    else:
        click.echo(render_answer(final)[len(final.text):])


@cli.command("search")
@click.argument("query")
@archive_option
@filter_options
@click.option("-k", "--top", "k", type=click.IntRange(min=1), default=10, show_default=True, help="How many passages.")
@click.pass_context
@friendly_errors
def search_command(ctx: click.Context, query: str, k: int, **options: Any) -> None:
    """Show the passages that match a query (no LLM)."""
    settings = _settings(ctx)
    desk = Desk.open(settings.archive, settings)
    hits = desk.search(query, k=k, **_filters(options))
    if options["as_json"]:
        click.echo(json.dumps([h.model_dump(mode="json") for h in hits], indent=2))
    elif not hits:
        click.echo("No passages match these filters; widen the dates or drop a --source/--where.")
    else:
        click.echo("\n\n".join(render_hit(h) for h in hits))


@cli.command("stats")
@archive_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
@friendly_errors
def stats_command(ctx: click.Context, archive: Path | None, as_json: bool) -> None:
    """Articles, chunks, date range and sources of the archive."""
    settings = _settings(ctx)
    stats = Desk.open(settings.archive, settings).stats()
    if as_json:
        click.echo(stats.model_dump_json(indent=2))
        return
    span = f"{stats.earliest:%Y-%m-%d} to {stats.latest:%Y-%m-%d}" if stats.earliest and stats.latest else "no dates"
    click.echo(
        f"{stats.path}\n  articles: {stats.articles}\n  chunks:   {stats.chunks} ({stats.vectors} embedded)"
        f"\n  dates:    {span} ({stats.undated} undated)"
    )
    for name, count in list(stats.sources.items())[:15]:
        click.echo(f"  {count:>8}  {name}")


@cli.command("sample")
@archive_option
@click.pass_context
@friendly_errors
def sample_command(ctx: click.Context, archive: Path | None) -> None:
    """Ingest the bundled sample archive (short articles written for newsdesk, source 'newsdesk sample')."""
    settings = _settings(ctx)
    report = Desk.open(settings.archive, settings, create=True).ingest([sample_archive_path()])
    click.echo(f"{settings.archive}: {report.summary()}")


@cli.command("demo")
@archive_option
@llm_options
@click.pass_context
@friendly_errors
def demo_command(ctx: click.Context, **_: Any) -> None:
    """Ingest the sample archive and answer the example question."""
    settings = _settings(ctx)
    desk = Desk.open(settings.archive, settings, create=True)
    report = desk.ingest([sample_archive_path()])
    click.echo(f"Sample archive in {settings.archive}: {report.summary()}\n")
    click.echo(f"Q: {EXAMPLE_QUESTION}\n")
    click.echo(render_answer(desk.ask(EXAMPLE_QUESTION)))
    click.echo(
        "\nNext: `newsdesk serve` opens the chat at http://127.0.0.1:7860; "
        "`newsdesk ingest ~/your-archive/` adds your own news."
    )


@cli.command("bench")
@click.argument("queries", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@archive_option
@click.option("-k", "--top", "k", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Use only the first N queries.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--answers", is_flag=True, help="Time whole answers with the LLM (first token, full) instead of search.")
@llm_options
@click.pass_context
@friendly_errors
def bench_command(
    ctx: click.Context, queries: Path, k: int, limit: int | None, as_json: bool, answers: bool, **_: Any
) -> None:
    """Measure search latency (p50/p95) over QUERIES (one a line, or a question JSONL); --answers times answers."""
    from evals.bench import benchmark_answers, benchmark_search, read_queries

    settings = _settings(ctx)
    desk = Desk.open(settings.archive, settings)
    if answers:
        timed = benchmark_answers(desk, read_queries(queries, limit))
        click.echo(timed.model_dump_json(indent=2) if as_json else (
            f"{timed.questions} answers with {timed.model} ({timed.answered_by_model} written by the model, "
            f"~{timed.prompt_tokens_mean:.0f} prompt tokens): first token p50 {timed.first_token_p50_ms} ms, "
            f"p95 {timed.first_token_p95_ms} ms; full answer p50 {timed.answer_p50_ms} ms, p95 {timed.answer_p95_ms} ms"
        ))
        return
    result = benchmark_search(desk, read_queries(queries, limit), k=k)
    if as_json:
        click.echo(result.model_dump_json(indent=2))
    else:
        click.echo(
            f"search over {result.archive_articles} articles / {result.archive_chunks} chunks, "
            f"{result.queries} queries, k={k}: p50 {result.p50_ms} ms, p95 {result.p95_ms} ms, "
            f"mean {result.mean_ms} ms, max {result.max_ms} ms; peak RSS {result.peak_rss_mb} MB"
        )
        if result.judged:
            click.echo(
                f"gold article found ({result.judged} queries whose gold article is in the archive): "
                f"Hits@1 {result.hits_at_1}, Hits@5 {result.hits_at_5}, MRR@10 {result.mrr_at_10}"
            )


@cli.command("eval", context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                                       "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def eval_command(args: tuple[str, ...]) -> None:
    """Run the evaluation suite (same options as `python -m evals`; see `newsdesk eval --help`)."""
    import runpy

    # The suite is its own program: the CLI hands over the arguments rather than importing it, so
    # nothing in ui depends on evals (imports go ui -> qa -> index and evals -> qa -> index).
    sys.argv = ["newsdesk eval", *args]
    try:
        runpy.run_module("evals", run_name="__main__", alter_sys=True)
    except SystemExit as done:
        if done.code:
            raise click.exceptions.Exit(int(done.code) if isinstance(done.code, int) else 2) from None


@cli.command("serve")
@archive_option
@llm_options
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=7860, show_default=True, type=int)
@click.pass_context
@friendly_errors
def serve_command(ctx: click.Context, host: str, port: int, **_: Any) -> None:
    """Open the Gradio chat over the archive."""
    from ui.app import build_app

    settings = _settings(ctx)
    desk = Desk.open(settings.archive, settings)
    click.echo(f"newsdesk chat on http://{host}:{port} (archive {settings.archive}); Ctrl+C stops it")
    build_app(desk).launch(server_name=host, server_port=port, show_error=True)


def _filters(options: dict[str, Any]) -> dict[str, Any]:
    return {
        "since": _date(options.get("since")),
        "until": _date(options.get("until"), end_of_day=True),
        "as_of": _date(options.get("as_of"), end_of_day=True),
        "sources": options.get("sources") or None,
        "metadata": _where(options.get("where") or ()),
    }


def _where(pairs: tuple[str, ...]) -> dict[str, str | int | float | bool] | None:
    parsed: dict[str, str | int | float | bool] = {}
    for pair in pairs:
        field, sep, value = pair.partition("=")
        if not sep or not field:
            raise click.BadParameter(f"expected FIELD=VALUE, got {pair!r}", param_hint="--where")
        parsed[field.strip()] = _scalar(value.strip())
    return parsed or None


def _scalar(value: str) -> str | int | float | bool:
    # Metadata keeps the record's own types, so "3" must match the number 3.
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


def render_hit(hit: Hit) -> str:
    """A passage as the CLI shows it."""
    ref = hit.article
    head = f"{hit.rank}. {ref.source or 'unknown'} · {ref.date} · {ref.title or '(untitled)'}  [{hit.score:.3f}]"
    body = " ".join(hit.text.split())
    return f"{head}\n   {body[:400]}{'…' if len(body) > 400 else ''}\n   {ref.url or ref.article_id}"


def render_answer(answer: Answer) -> str:
    """An answer with its numbered sources, as the CLI shows it."""
    lines = [answer.text]
    dropped = [s for s in answer.sentences if not s.supported]
    if dropped and not answer.abstained:
        lines.append("\nLeft out (no source supports it):")
        lines.extend(f"  - {s.text} ({s.reason})" for s in dropped)
    if answer.rewritten_question:
        lines.insert(0, f"(searched for: {answer.rewritten_question})")
    if answer.abstained:
        lines.append(f"\n({answer.reason})")
        if answer.hits:
            lines.append("Closest passages found:")
            lines.extend(
                f"  - {h.article.source or 'unknown'}, {h.article.date}: {h.article.title or h.text[:80]}"
                for h in answer.hits[:3]
            )
    if answer.citations:
        lines.append("\nSources:")
        for c in answer.citations:
            ref = c.article
            lines.append(
                f"  [{c.marker}] {ref.source or 'unknown'}, {ref.date}: {ref.title or '(untitled)'}"
                + (f"\n      {ref.url}" if ref.url else "")
            )
    return "\n".join(lines)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="newsdesk")


if __name__ == "__main__":
    main()
