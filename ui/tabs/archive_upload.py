"""Uploads of the Archive tab: files from the browser are copied into ``<archive>/uploads`` under their base name,
ingested with a progress bar, and the ingest report is shown in words.

Gradio hands over its own temporary paths; only the base name of each is kept, stripped of anything that could name
another folder, so an upload never lands outside the upload folder. Messages name files by that base name, never by
a path on the server. The copies stay, so each article's recorded origin is a file that still exists; uploading a
file of the same name again replaces it (and re-ingesting finds what changed).
"""

from __future__ import annotations

import gzip
import html
import json
import re
import shutil
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from index.pipeline import IngestReport
from qa import Desk, NewsDeskError

__all__ = ["KINDS", "UPLOADS", "estimate_records", "ingest_uploads", "render_report", "safe_name", "save_uploads"]

UPLOADS = "uploads"
KINDS = "JSON, JSON Lines, CSV/TSV, HTML, RSS/Atom, text or Markdown (each optionally .gz)"
# Any character but these becomes "_": no separators, no shell or Markdown specials.
_UNSAFE = re.compile(r"[^\w.\- ]+")

ProgressBar = Callable[..., Any]


def safe_name(name: str) -> str:
    """The base name of an uploaded file, made safe to create inside the upload folder.

    Example:
        >>> safe_name("/tmp/gradio/3f2a/feed.jsonl"), safe_name("..\\\\..\\\\x.csv"), safe_name(".."), safe_name(".env")
        ('feed.jsonl', 'x.csv', 'upload', 'env')
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Leading dots would make a hidden file (which folder ingest skips) or "..".
    return _UNSAFE.sub("_", base).strip().lstrip(".").strip() or "upload"


def save_uploads(files: Iterable[Any], folder: Path) -> list[Path]:
    """Copy uploaded files into ``folder`` under safe, distinct base names.

    Args:
        files: what gr.File gives: paths (str or Path) or objects with a ``.name`` path.
        folder: the upload folder, created if missing.

    Returns:
        The saved copies, in upload order.

    Raises:
        ValueError: an upload could not be read (e.g. no longer on the server).
    """
    folder.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    for item in files:
        source = Path(str(getattr(item, "name", item)))
        name = safe_name(source.name)
        target = folder / name
        # Two uploads of one name in one batch are both kept: the second becomes "name-2.ext".
        stem, dot, suffix = name.partition(".")
        n = 2
        while target in saved:
            target = folder / f"{stem}-{n}{dot}{suffix}"
            n += 1
        if target.resolve().parent != folder.resolve():  # belt and braces: safe_name leaves no separator
            raise ValueError(f"upload name {name!r} is not a plain file name; rename the file and upload it again")
        try:
            shutil.copyfile(source, target)
        except OSError as exc:
            why = exc.strerror or "error"
            raise ValueError(f"the upload {name} could not be read ({why}); upload it again") from exc
        saved.append(target)
    return saved


def estimate_records(path: Path) -> int:
    """About how many records a file holds, for the progress bar's total (reading is cheap next to embedding)."""
    gz = path.suffix.lower() == ".gz"
    kind = Path(path.stem).suffix.lower() if gz else path.suffix.lower()
    opener: Callable[..., Any] = gzip.open if gz else open
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
            if kind in (".jsonl", ".ndjson", ".csv", ".tsv"):
                lines = sum(1 for line in handle if line.strip())
                return max(1, lines - 1 if kind in (".csv", ".tsv") else lines)  # less the CSV header
            text = handle.read()
    except (OSError, EOFError, zlib.error):
        return 1
    if kind in (".rss", ".atom", ".xml"):
        return max(1, text.count("<item") + text.count("<entry"))
    if kind == ".json":
        try:
            data = json.loads(text)
        except ValueError:
            return 1
        articles = data.get("articles") if isinstance(data, dict) else data
        return max(1, len(articles)) if isinstance(articles, list) else 1
    return 1


def ingest_uploads(desk: Desk, files: Iterable[Any] | None, progress: ProgressBar | None = None) -> str:
    """Save and ingest uploaded files; the ingest report as Markdown (or a one-line message saying what to do).

    Args:
        desk: the archive to ingest into (created by the first upload).
        files: gr.File's value: uploaded temporary paths.
        progress: a ``gr.Progress``-like callable, given ``(done, total)`` records as they are ingested.
    """
    files = [f for f in files or [] if f]
    if not files:
        return f"Choose one or more files to upload: {KINDS}."
    folder = desk.path / UPLOADS
    try:
        saved = save_uploads(files, folder)
    except ValueError as exc:
        return f"⚠️ {_scrub(str(exc), folder)}"
    total = sum(estimate_records(path) for path in saved)
    done = 0

    def advance(records: int) -> None:
        nonlocal done, total
        done += records
        total = max(total, done)
        if progress is not None:
            progress((done, total), desc="Ingesting", unit="records")

    if progress is not None:
        progress((0, total), desc="Ingesting", unit="records")
    try:
        report = desk.ingest(saved, progress=advance)
    except NewsDeskError as exc:
        return f"⚠️ {_scrub(str(exc), folder, desk.path)}"
    return render_report(report, [p.name for p in saved], folder)


def render_report(report: IngestReport, names: list[str], folder: Path) -> str:
    """An ingest report for people: what happened to the articles, then each problem with the file it was in."""
    counts = (
        f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.duplicates} {'duplicate' if report.duplicates == 1 else 'duplicates'}"
    )
    files = ", ".join(f"`{name}`" for name in names)
    if report.seen:
        head = (f"**Ingested {_plural(len(names), 'file')}** ({files}): {counts}; "
                f"{_plural(report.chunks, 'passage')} written in {report.seconds:.1f} s.")
    else:
        head = f"**Nothing was ingested** from {files}."
    if not report.failed:
        return head
    problems = [f"- {_where(f.path, f.line)}: {html.escape(_scrub(f.reason, folder))}" for f in report.failed]
    rest = " (everything else was stored)" if report.seen else ""
    return "\n\n".join([head, f"**{_plural(len(problems), 'problem')}**{rest}:\n" + "\n".join(problems)])


def _where(path: str, line: int | None) -> str:
    name = f"`{safe_name(path)}`"
    return f"{name}, line {line}" if line is not None else name


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _scrub(text: str, *folders: Path) -> str:
    # Messages from below may name a server path; people see file names only.
    for folder in folders:
        text = text.replace(f"{folder}/", "").replace(str(folder), "the archive")
    return text

