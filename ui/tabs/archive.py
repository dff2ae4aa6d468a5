"""The Archive tab: upload news files and see them ingested, see what the archive holds, and delete from it.

Uploads are ingested as soon as they arrive, with a progress bar and the ingest report in words
(:mod:`ui.tabs.archive_upload`). The stats and the chart of articles per month follow every change. Articles are
deleted by id or picked from a search, and publishers as a whole; every delete is shown first and done only once
confirmed. The handlers are plain functions of ``desk`` so they are tested without a browser; :func:`build` wires
them up, with every event private (no delete through the HTTP API).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import pandas as pd

from qa import ArchiveNotFoundError, Desk, NewsDeskError
from ui.tabs.archive_upload import KINDS, ingest_uploads

__all__ = [
    "PendingDelete",
    "build",
    "confirm_delete",
    "find_articles",
    "ingest_uploads",
    "month_counts",
    "preview_articles",
    "preview_source",
    "source_choices",
    "stats_text",
]

EMPTY = "The archive is empty: upload news files above to start it."
TOP_SOURCES = 10
# Ids are typed separated by commas, semicolons or white space.
_ID_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class PendingDelete:
    """A delete shown to the user and waiting for confirmation: some articles, or one publisher's articles."""

    kind: Literal["articles", "source"]
    targets: tuple[str, ...]


# -- stats -----------------------------------------------------------------------------------------------------------


def stats_text(desk: Desk) -> str:
    """Articles, passages, date range and top publishers, as Markdown."""
    try:
        stats = desk.stats()
    except ArchiveNotFoundError:
        return EMPTY
    if not stats.articles:
        return EMPTY
    span = f"{stats.earliest:%Y-%m-%d} to {stats.latest:%Y-%m-%d}" if stats.earliest and stats.latest else "no dates"
    undated = f", {stats.undated} undated" if stats.undated else ""
    lines = [
        f"**{_plural(stats.articles, 'article')}** · {_plural(stats.chunks, 'passage')} ({stats.vectors} embedded)  ",
        f"published {span}{undated}.",
        "",
        f"| Top sources ({len(stats.sources)} in all) | articles |",
        "|---|---:|",
    ]
    lines += [f"| {_cell(name)} | {count} |" for name, count in list(stats.sources.items())[:TOP_SOURCES]]
    return "\n".join(lines)


def month_counts(desk: Desk) -> pd.DataFrame:
    """Dated articles per month (``month`` as "2024-02", ``articles``), with months in between at 0."""
    try:
        counts = desk.articles_per_month()
    except ArchiveNotFoundError:
        counts = {}
    if counts:
        first, last = (date.fromisoformat(f"{month}-01") for month in (min(counts), max(counts)))
        months = pd.period_range(first, last, freq="M").strftime("%Y-%m")
        counts = {month: counts.get(month, 0) for month in months}
    # Typed even when empty: a chart first drawn from untyped (float) columns takes "month" for a number and stays
    # blank when the months arrive.
    return pd.DataFrame({"month": pd.Series(list(counts), dtype="string"),
                         "articles": pd.Series(list(counts.values()), dtype="int64")})


def source_choices(desk: Desk) -> list[str]:
    """The archive's publishers, most articles first, to pick one to delete."""
    try:
        return list(desk.stats().sources)
    except ArchiveNotFoundError:
        return []


# -- deleting --------------------------------------------------------------------------------------------------------


def find_articles(desk: Desk, query: str) -> tuple[list[tuple[str, str]], str]:
    """Articles matching ``query`` to pick from: (label, article id) choices, best first, and a line saying so."""
    if not query or not query.strip():
        return [], "Type words from the article to find it."
    try:
        hits = desk.search(query, k=20)
    except NewsDeskError as exc:
        return [], f"⚠️ {exc}"
    refs = {hit.article.article_id: hit.article for hit in hits}
    choices = [(f"{ref.title or '(untitled)'} — {ref.publisher}, {ref.date} ({aid})", aid) for aid, ref in refs.items()]
    if not choices:
        return [], f"No article matches {html.escape(query.strip())!r}."
    return choices, f"{_plural(len(choices), 'article')} found: pick those to delete."


def preview_articles(desk: Desk, ids: str, picked: list[str] | None) -> tuple[str, PendingDelete | None]:
    """What deleting the typed and picked articles would remove, and the delete to confirm (None: nothing to)."""
    wanted = [aid for aid in dict.fromkeys([*_ID_SEPARATORS.split(ids or ""), *(picked or [])]) if aid]
    if not wanted:
        return "Type article ids, or find articles by words and pick them, then press Delete.", None
    try:
        found = {aid: desk.article(aid) for aid in wanted}
    except ArchiveNotFoundError:
        return EMPTY, None
    known = {aid: article for aid, article in found.items() if article is not None}
    unknown = [aid for aid in wanted if aid not in known]
    missing = f"Not in this archive: {', '.join(f'`{_cell(aid)}`' for aid in unknown)}." if unknown else ""
    if not known:
        return missing + " Check the ids, or find the articles by words.", None
    them = "it" if len(known) == 1 else "them"
    lines = [f"**Delete {_plural(len(known), 'article')}?** Search will no longer find {them}; "
             f"ingesting the file again brings {them} back."]
    for aid, article in known.items():
        when = f"{article.published_at:%Y-%m-%d}" if article.published_at else "undated"
        lines.append(f"- **{_cell(article.title or '(untitled)')}** — {_cell(article.source or 'unknown source')}, "
                     f"{when} (`{_cell(aid)}`)")
    if missing:
        lines.append(missing)
    return "\n".join(lines), PendingDelete("articles", tuple(known))


def preview_source(desk: Desk, source: str | None) -> tuple[str, PendingDelete | None]:
    """What deleting every article of ``source`` would remove, and the delete to confirm (None: nothing to)."""
    if not source or not source.strip():
        return "Pick a source to delete.", None
    try:
        sources = desk.stats().sources
    except ArchiveNotFoundError:
        return EMPTY, None
    matching = {name: n for name, n in sources.items() if name.lower() == source.strip().lower()}
    if not matching:
        return f"No articles from {_cell(source.strip())} in this archive.", None
    name = next(iter(matching))
    return (f"**Delete all {_plural(sum(matching.values()), 'article')} from {_cell(name)}?** Search will no longer "
            f"find them; ingesting their files again brings them back."), PendingDelete("source", (name,))


def confirm_delete(desk: Desk, pending: PendingDelete | None) -> str:
    """Carry out a confirmed delete; a line saying what was deleted."""
    if pending is None:
        return "Nothing to delete: choose articles or a source first."
    try:
        if pending.kind == "source":
            count = desk.delete_source(pending.targets[0])
            return f"Deleted {_plural(count, 'article')} from {_cell(pending.targets[0])}."
        count = desk.delete(pending.targets)
    except NewsDeskError as exc:
        return f"⚠️ {exc}"
    return f"Deleted {_plural(count, 'article')}."


# -- the tab ---------------------------------------------------------------------------------------------------------


def build(desk: Desk) -> None:
    """The Archive tab's components and events, inside the caller's ``gr.Tab``."""
    import gradio as gr

    gr.Markdown("### Add news")
    files = gr.File(label=f"Upload files: {KINDS}", file_count="multiple", type="filepath", elem_id="archive-files")
    report = gr.Markdown(elem_id="archive-report")

    gr.Markdown("### What the archive holds")
    with gr.Row():
        stats = gr.Markdown(stats_text(desk), elem_id="archive-stats")
        chart = gr.BarPlot(month_counts(desk), x="month", y="articles", sort="x", x_title="month",
                           y_title="articles", y_lim=[0, None], label="Articles per month", x_label_angle=0,
                           elem_id="archive-months")

    gr.Markdown("### Delete")
    with gr.Row():
        ids = gr.Textbox(label="Article ids", placeholder="fx-1, fx-7", elem_id="archive-ids")
        query = gr.Textbox(label="…or find articles by words", elem_id="archive-query")
        find = gr.Button("Find", elem_id="archive-find", scale=0)
    found = gr.Markdown(elem_id="archive-found")
    picked = gr.Dropdown(label="Articles found", choices=[], multiselect=True, elem_id="archive-picked")
    delete_articles = gr.Button("Delete articles…", variant="secondary", elem_id="archive-delete-articles")
    with gr.Row():
        source = gr.Dropdown(label="…or a whole source", choices=source_choices(desk), value=None,
                             allow_custom_value=True, elem_id="archive-source")
        delete_source = gr.Button("Delete source…", variant="secondary", elem_id="archive-delete-source", scale=0)
    confirmation = gr.Markdown(elem_id="archive-confirmation")
    with gr.Row(visible=False) as confirm_row:
        confirm = gr.Button("Yes, delete", variant="stop", elem_id="archive-confirm")
        cancel = gr.Button("Cancel", elem_id="archive-cancel")
    pending = gr.State(None)

    def refreshed() -> tuple[str, pd.DataFrame, Any]:
        return stats_text(desk), month_counts(desk), gr.update(choices=source_choices(desk), value=None)

    def on_upload(uploaded: list[str] | None, progress: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        return (ingest_uploads(desk, uploaded, progress), *refreshed(), None)

    def on_find(text: str) -> tuple[Any, str]:
        choices, message = find_articles(desk, text)
        return gr.update(choices=choices, value=[]), message

    def asked(preview: tuple[str, PendingDelete | None]) -> tuple[str, Any, PendingDelete | None]:
        message, plan = preview
        return message, gr.update(visible=plan is not None), plan

    def on_confirm(plan: PendingDelete | None) -> tuple[Any, ...]:
        return (confirm_delete(desk, plan), gr.update(visible=False), None, *refreshed(),
                gr.update(choices=[], value=[]), "")

    private: dict[str, Any] = {"api_visibility": "private"}
    # Read again each time the page loads, so what another session or the CLI changed shows.
    gr.on(None, refreshed, None, [stats, chart, source], **private)
    # Uploads and deletes share one queue: the archive's SQLite connection is shared by the server's threads, and two
    # writes at once would interleave their transactions.
    writes: dict[str, Any] = {**private, "concurrency_id": "archive-writes", "concurrency_limit": 1}
    files.upload(on_upload, [files], [report, stats, chart, source, files], **writes)
    for trigger in (find.click, query.submit):
        trigger(on_find, [query], [picked, found], **private)
    delete_articles.click(lambda typed, chosen: asked(preview_articles(desk, typed, chosen)), [ids, picked],
                          [confirmation, confirm_row, pending], **private)
    delete_source.click(lambda name: asked(preview_source(desk, name)), [source],
                        [confirmation, confirm_row, pending], **private)
    confirm.click(on_confirm, [pending], [confirmation, confirm_row, pending, stats, chart, source, picked, ids],
                  **writes)
    cancel.click(lambda: ("Nothing deleted.", gr.update(visible=False), None), None,
                 [confirmation, confirm_row, pending], **private)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _cell(text: str) -> str:
    # Record fields are data: no HTML, and no pipe breaking a table cell.
    return html.escape(text).replace("|", "\\|")
