"""The command line's shared options and how they become settings and filters."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import ValidationError

from qa import Desk, NewsDeskError, SearchFilters, Settings, SettingsError
from qa.answering.grammar import warm as warm_grammar
from qa.settings import LLMSettings, with_servers
from ui.fields import parse_day

F = TypeVar("F", bound=Callable[..., Any])


def settings_from(ctx: click.Context) -> Settings:
    """The settings from the environment, with the command's --archive, --llm-* and --judge-model options applied.

    Raises:
        SettingsError: an environment variable holds a value the settings refuse.
    """
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
    try:
        settings = Settings()
    except ValidationError as exc:
        problem = exc.errors()[0]
        name = "NEWSDESK_" + "__".join(str(part).upper() for part in problem["loc"])
        raise SettingsError(f"{name}: {problem['msg']}; fix or unset that environment variable") from None
    if llm_overrides:
        if "base_url" in llm_overrides and "backend" not in llm_overrides:
            llm_overrides["backend"] = "openai"
        settings = settings.model_copy(update={"llm": LLMSettings(**{**settings.llm.model_dump(), **llm_overrides})})
    if params.get("judge_model"):
        judge = settings.answer.judge if settings.answer.judge != "off" else "reread"
        answer = settings.answer.model_copy(update={"judge": judge, "judge_model": params["judge_model"]})
        settings = settings.model_copy(update={"answer": answer})
    if params.get("archive"):
        settings = settings.model_copy(update={"archive": Path(params["archive"]).expanduser()})
    servers = ctx.meta.get(_SERVERS, {})
    if servers:
        index = with_servers(settings.index, servers.get("chroma_url"), servers.get("database_url"))
        settings = settings.model_copy(update={"index": index})
    return settings


# Where the servers named on the command line wait for settings_from: in the context, so that the commands' own
# signatures need not carry them.
_SERVERS = "newsdesk.servers"


def _remember_server(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.meta.setdefault(_SERVERS, {})[str(param.name)] = value


def servers_named(ctx: click.Context) -> bool:
    """Whether the command line named a server (``--chroma-url``, ``--database-url``)."""
    return bool(ctx.meta.get(_SERVERS))


def archive_option(func: F) -> F:
    """``--archive PATH`` on every command, and the servers a shared archive lives on."""
    for option in (
        click.option(
            "--database-url",
            default=None,
            expose_value=False,
            callback=_remember_server,
            help="PostgreSQL holding articles and lexical index (default: NEWSDESK_DATABASE_URL, else the folder).",
        ),
        click.option(
            "--chroma-url",
            default=None,
            expose_value=False,
            callback=_remember_server,
            help="Chroma server for the vectors, http://host:port (default: NEWSDESK_CHROMA_URL, else the folder).",
        ),
        click.option(
            "--archive",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Archive folder (default: NEWSDESK_ARCHIVE or ~/.newsdesk).",
        ),
    ):
        func = option(func)
    return func


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
            click.option(
                "--judge-model", default=None, help="Have this model re-read every supporting sentence and the quoted "
                "lead, and drop what it reads otherwise (answer.judge=reread), e.g. qwen2.5-coder-1.5b (pip install "
                "'newsdesk[big-model]'): fewer wrong answers, about 1.5 s more per sentence here.",
            ),
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
        except NewsDeskError as exc:
            if _debug():
                raise
            raise click.ClickException(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


def _debug() -> bool:
    try:
        return Settings().debug
    except ValidationError:  # a bad environment is reported by settings_from, with its name
        return False


def search_filters(options: dict[str, Any]) -> SearchFilters:
    """The --since/--until/--as-of/--source/--where options as one filter value."""
    return SearchFilters.of(
        since=parse_day(options.get("since"), "--since"),
        until=parse_day(options.get("until"), "--until", end_of_day=True),
        as_of=parse_day(options.get("as_of"), "--as-of", end_of_day=True),
        sources=options.get("sources") or None,
        metadata=_where(options.get("where") or ()),
    )


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


def prepare_search(desk: Desk) -> None:
    """Export the embedding model's query encoder before the first search if this machine has not yet, saying so on
    stderr: it takes seconds, once per machine, and would otherwise look like a slow search."""
    desk.store  # noqa: B018 - a missing archive is reported at once, not after seconds of export
    ready = getattr(desk.embedder, "query_encoder_ready", None)  # only the bundled MiniLM has one
    if ready is None or ready():
        return
    click.echo("Preparing the search model (once per machine)…", err=True)
    started = time.perf_counter()
    desk.embedder.embed_query("newsdesk")
    click.echo(f"Search model ready in {time.perf_counter() - started:.1f} s.", err=True)


def warm_up(desk: Desk) -> None:
    """Load the bundled model before the first question, saying so once on stderr and timing it apart."""
    # Loading the bundled model takes seconds on first use (joining ~500 MB the very first time): say so once, and
    # time it apart from the answer, so neither is mistaken for the other.
    judge = desk.judge.llm if desk.judge is not None else desk.llm  # a judge may read with a second model
    cold = [llm for llm in dict.fromkeys([desk.llm, judge]) if not getattr(llm, "loaded", True)]
    if cold:
        warm_grammar()  # in the background, while the models load: the check of who won reads its grammar
    for llm in cold:
        click.echo(f"Preparing the bundled model {llm.name} (once per process)…", err=True)
        click.echo(f"Model ready in {llm.warm_up():.1f} s.", err=True)
