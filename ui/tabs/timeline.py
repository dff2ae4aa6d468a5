"""The Timeline tab: how a story ran in the archive, as a chart of matching articles and the dated key sentences.

:func:`timeline_view` is the handler (plain Python, tested without a browser): topic, optional speaker and dates in;
the chart's rows, a one-line summary and the cited key sentences (oldest first, date and source prominent, title
linked) out. It calls :func:`qa.timeline.build_timeline`, which needs no language model, so a timeline takes about
as long as a search.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from qa import Desk, NewsDeskError
from qa.timeline import Timeline, TimelineEntry, build_timeline
from ui.tabs.search import CSS as SEARCH_CSS
from ui.tabs.search import form_filters, friendly_error, note, title_link

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ["period", "articles"]
PERIOD_TITLES = {"day": "Day", "week": "Week starting", "month": "Month"}

CSS = """
.nd-timeline{list-style:none;padding:0;margin:0}
.nd-entry{display:grid;grid-template-columns:7.5em 1fr;gap:.2em 1em;padding:.7em 0;
  border-bottom:1px solid var(--border-color-primary,#ddd)}
.nd-when{font-weight:700;font-size:1.05em;font-variant-numeric:tabular-nums}
.nd-n{color:var(--body-text-color-subdued,#666);font-weight:400;font-size:.9em}
.nd-said{margin:0 0 .25em;line-height:1.5;font-size:1.02em}
.nd-who{font-weight:600}
.nd-cite{font-size:.93em}
"""


def chart_frame(timeline: Timeline | None) -> pd.DataFrame:
    """The chart's rows: one per period of the timeline's span (empty periods as 0), oldest first; the period
    ("day", "week", "month") is in ``frame.attrs["bucket"]``.

    Example:
        >>> chart_frame(None).columns.tolist()
        ['period', 'articles']
    """
    import pandas as pd

    rows = [(b.label, b.articles) for b in timeline.buckets] if timeline is not None else []
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame.attrs["bucket"] = timeline.bucket if timeline is not None else None  # for the axis title
    return frame


def summary(timeline: Timeline) -> str:
    """One line saying what the chart counts, over which dates, and whether more may match than was read."""
    subject = f"“{timeline.topic}”" if timeline.topic else "anything"
    who = f"{timeline.speaker} on {subject}" if timeline.speaker else subject
    if timeline.empty:
        return f"No article in the archive (up to {timeline.as_of:%Y-%m-%d}) is about {who}."
    stories = f"{timeline.articles} {'story' if timeline.articles == 1 else 'stories'}"
    if timeline.speaker:
        stories = f"{stories} with a statement by {who}"
    else:
        stories = f"{stories} about {who}"
    bars = timeline.buckets
    span = f", {bars[0].start:%Y-%m-%d} to {bars[-1].end:%Y-%m-%d}, by {timeline.bucket}" if bars else ""
    undated = f"; {timeline.undated} undated" if timeline.undated else ""
    shown = len(timeline.entries)
    listed = f"{shown} listed below" if shown == timeline.articles else f"the {shown} most relevant listed below"
    more = (" The search was full and still finding matches: there may be more; narrow the dates to see them all."
            if timeline.capped else "")
    return f"{stories}{span}{undated} (wire copies counted once); {listed}.{more}"


def render_entries(timeline: Timeline) -> str:
    """The key sentences as an HTML list, oldest first: date, source, the sentence (with its speaker), the title
    linked, and the other articles carrying the same story."""
    items = [_entry(entry) for entry in timeline.entries]
    return '<ol class="nd-timeline">' + "".join(items) + "</ol>"


def _entry(entry: TimelineEntry) -> str:
    ref = entry.article
    title = title_link(ref)
    who = f'<span class="nd-who">{html.escape(entry.speaker)}:</span> ' if entry.speaker else ""
    copies = ""
    if entry.copies:
        copies = f' · also in {len(entry.copies)} other article{"s" if len(entry.copies) > 1 else ""}'
    return (
        f'<li class="nd-entry" data-date="{ref.date}"><div class="nd-when">{ref.date}'
        f' <span class="nd-n">[{entry.citation.marker}]</span></div><div>'
        f'<p class="nd-said">{who}“{html.escape(" ".join(entry.text.split()))}”</p>'
        f'<div class="nd-cite"><span class="nd-source">{html.escape(ref.publisher)}</span> · {title}{copies}</div>'
        "</div></li>"
    )


def timeline_view(
    desk: Desk,
    topic: str,
    speaker: str | None = "",
    since: str | None = "",
    until: str | None = "",
    as_of: str | None = "",
) -> tuple[pd.DataFrame, str, str]:
    """The Timeline tab's handler.

    Returns:
        The chart's rows (:func:`chart_frame`), a summary line (Markdown) and the key sentences (HTML); for a
        blank topic and speaker, or an error, an empty chart, no summary and one readable line.
    """
    if not (topic or "").strip() and not (speaker or "").strip():
        return chart_frame(None), "", note("Type a topic (e.g. rent cap), a speaker, or both.")
    try:
        timeline = build_timeline(desk, topic or "", form_filters(since, until, as_of), speaker=speaker or None)
    except NewsDeskError as exc:
        return chart_frame(None), "", note(friendly_error(exc), error=True)
    if timeline.empty:
        return chart_frame(None), summary(timeline), note("Try other words, a wider date range, or no speaker.")
    return chart_frame(timeline), summary(timeline), render_entries(timeline)


def build(desk: Desk) -> None:
    """The Timeline tab's components and events; call inside ``with gr.Tab("Timeline"):``."""
    import gradio as gr

    with gr.Row():
        topic = gr.Textbox(label="Topic", placeholder="e.g. rent cap", scale=3, elem_id="timeline-topic")
        speaker = gr.Textbox(label="Speaker (optional)", placeholder="e.g. Russia, Peskov", scale=2,
                             elem_id="timeline-speaker")
    with gr.Row():
        since = gr.Textbox(label="Since", placeholder="YYYY-MM-DD", elem_id="timeline-since")
        until = gr.Textbox(label="Until", placeholder="YYYY-MM-DD", elem_id="timeline-until")
        as_of = gr.Textbox(label="As of", placeholder="YYYY-MM-DD (nothing later)", elem_id="timeline-as-of")
    go = gr.Button("Build timeline", variant="primary", elem_id="timeline-go")
    headline = gr.Markdown(elem_id="timeline-summary")
    chart = gr.BarPlot(chart_frame(None), x="period", y="articles", x_title="Period", y_title="Articles",
                       x_label_angle=-45, y_lim=[0, 5],
                       height=320, label="Matching articles over time", elem_id="timeline-chart")
    entries = gr.HTML(note("Key sentences appear here, oldest first, each cited to its article."),
                      css_template=SEARCH_CSS + CSS, elem_id="timeline-entries")

    axes = gr.State((None, 0))  # the period and the highest count, for the axes

    def on_build(*form: Any) -> tuple[Any, str, str, tuple[str | None, int]]:
        frame, line, listed = timeline_view(desk, *form)
        return frame, line, listed, (frame.attrs.get("bucket"), int(frame["articles"].max()) if len(frame) else 0)

    def axis_title(period_and_top: tuple[str | None, int]) -> Any:
        # Set apart from the data: in gradio 6.31 an update carrying both a plot's value and a property draws no bars.
        period, top = period_and_top
        # Counts are whole: a scale of at least 0-5 keeps its ticks on whole numbers.
        return gr.update(x_title=PERIOD_TITLES.get(period or "", "Period"), y_lim=[0, max(5, top)])

    for trigger in (go.click, topic.submit, speaker.submit):
        trigger(on_build, inputs=[topic, speaker, since, until, as_of], outputs=[chart, headline, entries, axes],
                api_name=False).then(axis_title, inputs=axes, outputs=chart, api_name=False)
