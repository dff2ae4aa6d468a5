"""``newsdesk serve``: the web app and the OpenAI-compatible HTTP API on one port (``ui.server``). Registered on the
group in ``ui/cli.py``."""

from __future__ import annotations

from typing import Any

import click

from qa import Desk
from ui.options import archive_option, friendly_errors, llm_options, prepare_search, settings_from, warm_up


@click.command("serve")
@archive_option
@llm_options
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 serves the whole network (use --auth then).")
@click.option("--port", default=7860, show_default=True, type=click.IntRange(0, 65535))
@click.option("--auth", envvar="NEWSDESK_AUTH", metavar="USER:PASSWORD", default=None,
              help="Require these credentials on every page and API route (HTTP Basic, or Bearer PASSWORD); "
                   "also read from NEWSDESK_AUTH, which keeps the password out of the process list.")
@click.option("--concurrency", default=1, show_default=True, type=click.IntRange(min=1),
              help="Requests answered at once; the models still answer one at a time.")
@click.option("--queue-size", default=64, show_default=True, type=click.IntRange(min=0),
              help="Requests that may wait their turn; more are refused (HTTP 503) until some finish.")
@click.pass_context
@friendly_errors
def serve_command(ctx: click.Context, host: str, port: int, auth: str | None, concurrency: int, queue_size: int,
                  **_: Any) -> None:
    """Serve the chat app and the OpenAI-compatible HTTP API (/v1) over the archive."""
    from ui import server

    try:
        credentials = server.parse_auth(auth)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--auth") from None
    settings = settings_from(ctx)
    desk = Desk.open(settings.archive, settings)
    stats = desk.stats()  # a missing or unreadable archive stops here, before anything listens
    prepare_search(desk)
    warm_up(desk)
    if credentials is None and host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"Warning: anyone who can reach {host}:{port} can use this archive; add --auth USER:PASSWORD.",
                   err=True)
    click.echo(f"newsdesk on http://{host}:{port}: chat at /, OpenAI-compatible API at /v1 "
               f"({stats.articles} articles in {settings.archive}); Ctrl+C stops it")
    server.serve(desk, server.ServeOptions(host=host, port=port, auth=credentials, concurrency=concurrency,
                                           queue_size=queue_size))
