"""``newsdesk ingest``: read files and folders into the archive, in this process or spread over a Ray cluster
(``--ray``). Registered on the group in ``ui/cli.py``."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import click

from index.pipeline import IngestReport
from qa import Desk
from ui.options import archive_option, friendly_errors, settings_from

# What `--ray` alone means; ray.init reads "local" as "start a new cluster on this machine" too.
_LOCAL = "local"


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@archive_option
@click.option("--json", "as_json", is_flag=True,
              help='Print the report as JSON (on stdout; with an "error" field when the exit code is 1).')
@click.option("--strict", is_flag=True, help="Exit 1 if any record was skipped (the readable ones are still stored).")
@click.option("--ray", "ray_address", is_flag=False, flag_value=_LOCAL, default=None, metavar="[ADDRESS]",
              callback=lambda ctx, param, value: _ray_address(value),
              help="Spread reading, chunking and embedding over Ray (pip install 'newsdesk[ray]'). Alone: a new "
                   "cluster on this machine (write it after the PATHS); 'auto': the one `ray start` runs here; "
                   "HOST:PORT: a remote one, whose nodes need newsdesk and must see the PATHS.")
@click.pass_context
@friendly_errors
def ingest_command(ctx: click.Context, paths: tuple[str, ...], archive: Path | None, as_json: bool,
                   strict: bool, ray_address: str | None) -> None:
    """Ingest files and folders (JSON, JSONL, CSV, HTML, RSS/Atom, TXT, MD; .gz too) into the archive.

    A record or file that cannot be read (no text, bad JSON, a missing file) is skipped and listed with its file,
    line and reason; everything readable is stored.

    \b
    Exit codes:
      0  the batch was processed; skipped records, if any, are listed
      1  nothing could be read, the archive could not be written, or
         --strict and at least one record was skipped
      2  wrong usage (an unknown option, no PATHS)
    """
    from tqdm import tqdm

    settings = settings_from(ctx)
    try:
        desk = Desk.open(settings.archive, settings, create=True)
        with _stages(ray_address, desk) as stages, tqdm(
            total=_estimate_records(paths), unit=" articles", file=sys.stderr, disable=as_json, dynamic_ncols=True
        ) as bar:
            report = desk.ingest(paths, progress=bar.update, stages=stages)
    except OSError as exc:
        # Unreadable inputs are skipped by the loaders, so an OSError here is the archive's own folder or files.
        what = exc.strerror or str(exc)
        raise click.ClickException(f"could not write the archive {settings.archive}: {what}"
                                   + (f" ({exc.filename})" if exc.filename else "")) from exc
    error = _ingest_error(report, strict)
    if as_json:
        shown = report.model_dump(mode="json")
        click.echo(json.dumps({**shown, "error": error} if error else shown, indent=2, ensure_ascii=False))
        if error:
            ctx.exit(1)
        return
    click.echo(f"{settings.archive}: {report.summary()}")
    for failure in report.failed[:20]:
        click.echo(f"  skipped: {failure}", err=True)
    if len(report.failed) > 20:
        click.echo(f"  … and {len(report.failed) - 20} more (use --json for all)", err=True)
    if error:
        raise click.ClickException(error)


def _ray_address(address: str | None) -> str | None:
    # `--ray` takes an optional value, so in `ingest --ray news/` click reads the folder as the address: refuse
    # anything that is not one, rather than ingest the wrong files. Checked as --ray is parsed, before the missing
    # PATHS, so that the message says what happened.
    if address is None or address in (_LOCAL, "auto") or (":" in address and not Path(address).exists()):
        return address
    raise click.BadParameter(
        f"{address!r} is not a Ray address ('auto' or HOST:PORT); for a cluster on this machine, write --ray after "
        "the paths: newsdesk ingest PATHS... --ray"
    )


def _stages(address: str | None, desk: Desk) -> contextlib.AbstractContextManager:  # type: ignore[type-arg]
    """The distributed stages for ``--ray`` (started now, stopped at the end), or none: ingest in this process."""
    if address is None:
        return contextlib.nullcontext()
    from index.distributed import RayStages

    return RayStages(desk.settings.index, None if address == _LOCAL else address)


def _ingest_error(report: IngestReport, strict: bool) -> str | None:
    # Skipping a few bad records of a real archive is normal, so it fails only with --strict; reading nothing is not.
    skipped = len(report.failed)
    if report.seen == 0:
        return f"nothing was ingested: no article could be read ({skipped} problem{'s' * (skipped != 1)} listed)"
    if strict and skipped:
        return (f"{skipped} record{'s were' if skipped != 1 else ' was'} skipped (--strict); "
                f"the readable ones were stored ({report.seen} read)")
    return None


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
