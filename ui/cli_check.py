"""``newsdesk check``: verify that an archive's manifest, settings, vectors and lexical index agree, and with
``--repair`` fix what can be fixed safely (``index.archive.check``). Registered on the group in ``ui/cli.py``.

Exit code 0 when the archive is consistent (or was made so by ``--repair``), 1 when problems remain.
"""

from __future__ import annotations

from pathlib import Path

import click

from index.archive.check import CheckReport, Finding, check_archive
from ui.options import archive_option, friendly_errors, settings_from

# One screen: the findings beyond this many are counted, and all of them are in --json.
_MAX_SHOWN = 12


@click.command("check")
@archive_option
@click.option("--repair", is_flag=True, help="Fix what can be fixed safely: drop orphan vectors and lexical entries, "
              "re-add missing ones, finish an interrupted delete. Never deletes articles.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
@friendly_errors
def check_command(ctx: click.Context, archive: Path | None, repair: bool, as_json: bool) -> None:
    """Check that the archive's manifest, settings, vectors and lexical index agree; --repair fixes what it safely can.

    \b
    Exit codes:
      0  consistent (with --repair: after the repairs)
      1  problems remain (or no archive there); each is listed with a count and an example id
      2  wrong usage
    """
    settings = settings_from(ctx)
    report = check_archive(settings.archive, repair=repair, settings=settings.index)
    click.echo(report.model_dump_json(indent=2) if as_json else render_check(report, repair=repair))
    if not report.consistent:
        ctx.exit(1)


def render_check(report: CheckReport, *, repair: bool = False) -> str:
    """The report as one screen of text: what holds, what was repaired, what is wrong, and a verdict.

    Example:
        >>> print(render_check(CheckReport(path="/a", passed=["manifest: readable, 2 articles, 3 chunks"])))
        /a
          ok        manifest: readable, 2 articles, 3 chunks
        consistent
    """
    lines = [report.path]
    lines += [f"  ok        {line}" for line in report.passed]
    lines += [f"  repaired  {_finding(f)}" for f in report.repaired[:_MAX_SHOWN]]
    shown = report.findings[:_MAX_SHOWN]
    lines += [f"  PROBLEM   {_finding(f)}{'  [--repair fixes]' if f.repairable and not repair else ''}" for f in shown]
    if len(report.findings) > len(shown):
        lines.append(f"  … and {len(report.findings) - len(shown)} more problems (use --json for all)")
    if report.writer_active:
        lines.append("  note      another process was writing to this archive meanwhile: what it had half written may "
                     "show as problems; check again once it ends")
    if report.consistent:
        n = len(report.repaired)
        lines.append("consistent" + (f" after {n} repair{'s' if n != 1 else ''}" if n else ""))
    else:
        fixable = sum(f.repairable for f in report.findings)
        hint = f"; {fixable} fixable with --repair" if fixable and not repair else ""
        n = len(report.findings)
        lines.append(f"{n} problem{'s remain' if n != 1 else ' remains'}{hint}")
    return "\n".join(lines)


def _finding(f: Finding) -> str:
    example = f", e.g. {f.example}" if f.example else ""
    return f"{f.code}: {f.message} ({f.count}{example})"
