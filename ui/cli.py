"""The ``newsdesk`` command: each subcommand parses, makes one ``qa`` call, and renders.

Errors from newsdesk become one line on stderr and exit code 1 (2 for wrong usage); with ``--json`` the line is JSON
on stdout, ``{"error": "..."}``, so a script reads one JSON document either way. ``NEWSDESK_DEBUG=1`` shows the
traceback.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from evals.__main__ import main as run_eval_suite
from qa import EXAMPLE_QUESTION, Desk, sample_archive_path
from ui.cli_bench import bench_command
from ui.cli_check import check_command
from ui.cli_copy import copy_command
from ui.cli_ingest import ingest_command
from ui.cli_serve import serve_command
from ui.options import (
    archive_option,
    filter_options,
    friendly_errors,
    llm_options,
    prepare_search,
    search_filters,
    settings_from,
    warm_up,
)
from ui.pending import PendingLine
from ui.render import render_answer, render_hit, render_timeline


class _Commands(click.Group):
    """The subcommands; with ``--json``, any error of a command that takes it is printed as JSON on stdout."""

    def invoke(self, ctx: click.Context) -> Any:
        wants_json = "--json" in ctx.args  # the subcommand's own arguments, before they are parsed
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            command = self.get_command(ctx, ctx.invoked_subcommand) if ctx.invoked_subcommand else None
            if not (wants_json and command is not None and _takes_json(command)):
                raise
            click.echo(json_error(exc.format_message()))
            raise click.exceptions.Exit(exc.exit_code) from None


def _takes_json(command: click.Command) -> bool:
    return any("--json" in param.opts for param in command.params if isinstance(param, click.Option))


def json_error(message: str) -> str:
    r"""An error as the one line of JSON that ``--json`` prints: ``{"error": "..."}``.

    Example:
        >>> json_error("the question is empty;\n ask something")
        '{"error": "the question is empty; ask something"}'
    """
    return json.dumps({"error": " ".join(message.split())}, ensure_ascii=False)


@click.group(cls=_Commands)
@click.version_option(package_name="newsdesk")
def cli() -> None:
    """newsdesk: ask questions of a news archive and get answers with cited, dated sources.

    \b
    Exit codes: 0 done; 1 an error (one line on stderr: what and where); 2 wrong usage.
    With --json, stdout holds one JSON document: the result, or {"error": "..."} (exit 1 or 2).
    """
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")


@cli.command("ask")
@click.argument("question")
@archive_option
@filter_options
@llm_options
@click.option("--stream/--no-stream", default=True, show_default=True,
              help="On a terminal, show the model's draft as it is written, on one line marked unchecked that is "
                   "erased when the checked answer with citations is printed.")
@click.pass_context
@friendly_errors
def ask_command(ctx: click.Context, question: str, stream: bool, **options: Any) -> None:
    """Answer a question from the archive, with [n] citations."""
    settings = settings_from(ctx)
    desk = Desk.open(settings.archive, settings)
    prepare_search(desk)
    if options["as_json"] or not stream:
        answer = desk.ask(question, search_filters(options))
        click.echo(answer.model_dump_json(indent=2) if options["as_json"] else render_answer(answer))
        return
    # The draft is shown only as pending and erased before the checked answer: sentences the check drops must never
    # stay on screen. Piped output gets the checked answer alone, and so does an answer written without the model
    # (an abstention, a speaker's statement list), which is checked already.
    pieces = desk.ask_stream(question, search_filters(options))
    if pieces.answer is None:
        warm_up(desk)
    pending = PendingLine(sys.stderr) if pieces.answer is None and _is_terminal(sys.stderr) else None
    lead = pieces.lead
    try:
        for n, piece in enumerate(pieces):
            if n == 0 and lead is not None:
                click.echo(lead.text)  # the quoted source sentence: the source's own words, shown at once as fact
            elif pending is not None:
                pending.update(piece)
    finally:
        if pending is not None:
            pending.clear()
    final = pieces.answer
    assert final is not None  # set once the stream is exhausted
    click.echo(render_answer(final, lead_shown=lead is not None and final.lead is not None))


@cli.command("search")
@click.argument("query")
@archive_option
@filter_options
@click.option("-k", "--top", "k", type=click.IntRange(min=1), default=10, show_default=True, help="How many passages.")
@click.pass_context
@friendly_errors
def search_command(ctx: click.Context, query: str, k: int, **options: Any) -> None:
    """Show the passages that match a query (no LLM)."""
    settings = settings_from(ctx)
    desk = Desk.open(settings.archive, settings)
    prepare_search(desk)
    hits = desk.search(query, search_filters(options), k=k)
    if options["as_json"]:
        click.echo(json.dumps([h.model_dump(mode="json") for h in hits], indent=2))
    elif not hits:
        click.echo("No passages match these filters; widen the dates or drop a --source/--where.")
    else:
        click.echo("\n\n".join(render_hit(h) for h in hits))


@cli.command("timeline")
@click.argument("topic", required=False, default="")
@click.option("--speaker", default=None, help="Only this speaker's statements, e.g. Russia or Peskov.")
@archive_option
@filter_options
@click.option("--limit", type=click.IntRange(min=1), default=30, show_default=True, help="Most key sentences listed.")
@click.pass_context
@friendly_errors
def timeline_command(ctx: click.Context, topic: str, speaker: str | None, limit: int, **options: Any) -> None:
    """How a story ran over time: matching stories per day/week/month and their dated key sentences (no LLM)."""
    settings = settings_from(ctx)
    desk = Desk.open(settings.archive, settings)
    prepare_search(desk)
    timeline = desk.timeline(topic, search_filters(options), speaker=speaker, limit=limit)
    if options["as_json"]:
        click.echo(timeline.model_dump_json(indent=2))
    elif timeline.empty:
        click.echo(f"No article is about {topic or speaker!r} under these filters; try other words or wider dates.")
    else:
        click.echo(render_timeline(timeline))


@cli.command("stats")
@archive_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
@friendly_errors
def stats_command(ctx: click.Context, archive: Path | None, as_json: bool) -> None:
    """Articles, chunks, date range and sources of the archive."""
    settings = settings_from(ctx)
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


@cli.command("delete")
@click.argument("article_ids", nargs=-1)
@click.option("--source", default=None, help="Delete every article of this publisher (any letter case).")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@archive_option
@click.pass_context
@friendly_errors
def delete_command(ctx: click.Context, article_ids: tuple[str, ...], source: str | None, yes: bool,
                   archive: Path | None) -> None:
    """Delete articles by id (as `search --json` shows them), or a whole --source, with their passages."""
    if bool(article_ids) == bool(source):
        raise click.UsageError("give article ids or --source NAME (one of the two)")
    settings = settings_from(ctx)
    desk = Desk.open(settings.archive, settings)
    what = f"every article from {source!r}" if source else f"{len(article_ids)} article(s)"
    if not yes:
        click.confirm(f"Delete {what} from {settings.archive}?", abort=True)
    deleted = desk.delete_source(source) if source else desk.delete(article_ids)
    if not deleted:
        hint = "see `newsdesk stats` for sources" if source else "find ids with `newsdesk search QUERY --json`"
        raise click.ClickException(f"nothing deleted: no such {'source' if source else 'article'} here; {hint}")
    click.echo(f"deleted {deleted} article{'s' if deleted != 1 else ''}")


@cli.command("sample")
@archive_option
@click.pass_context
@friendly_errors
def sample_command(ctx: click.Context, archive: Path | None) -> None:
    """Ingest the bundled sample archive (short articles written for newsdesk, source 'newsdesk sample')."""
    settings = settings_from(ctx)
    report = Desk.open(settings.archive, settings, create=True).ingest([sample_archive_path()])
    click.echo(f"{settings.archive}: {report.summary()}")


@cli.command("demo")
@archive_option
@llm_options
@click.pass_context
@friendly_errors
def demo_command(ctx: click.Context, **_: Any) -> None:
    """Ingest the sample archive and answer the example question."""
    settings = settings_from(ctx)
    desk = Desk.open(settings.archive, settings, create=True)
    report = desk.ingest([sample_archive_path()])
    click.echo(f"Sample archive in {settings.archive}: {report.summary()}\n")
    click.echo(f"Q: {EXAMPLE_QUESTION}\n")
    click.echo(render_answer(desk.ask(EXAMPLE_QUESTION)))
    click.echo(
        "\nNext: `newsdesk serve` opens the chat at http://127.0.0.1:7860; "
        "`newsdesk ingest ~/your-archive/` adds your own news."
    )


@cli.command("eval", context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                                       "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def eval_command(args: tuple[str, ...]) -> None:
    """Run the evaluation suite (same options as `python -m evals`; see `newsdesk eval --help`)."""
    code = run_eval_suite(list(args), prog="newsdesk eval")
    if code:
        raise click.exceptions.Exit(code)


def _is_terminal(stream: Any) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)())


cli.add_command(bench_command)
cli.add_command(check_command)
cli.add_command(copy_command)
cli.add_command(ingest_command)
cli.add_command(serve_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="newsdesk")


if __name__ == "__main__":
    main()
