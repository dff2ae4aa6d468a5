"""The Search tab: passages with their sources and dates, for people who want the sources rather than prose.

:func:`search_passages` is the handler (plain Python, tested without a browser): the form in, the passages as HTML
out, each with its date and publisher first, its title linked, and the query's words marked in the text. Scores are
shown only in words ("close in meaning", "has 2 of your 3 words"). A blank query sends nothing; errors are one
readable line, never a traceback or a file path. The form helpers (:func:`parse_day`, :func:`form_filters`,
:func:`friendly_error`) are shared with the Timeline tab.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

from index.text import content_words
from qa import ArticleRef, Desk, Hit, NewsDeskError, SearchFilters
from qa.speakers.topics import stem
from ui.fields import parse_day, without_paths

DEFAULT_PASSAGES = 10
MOST_PASSAGES = 50
# The MiniLM cosine of query and passage, in words; read off the fixture and sample archives, where passages on the
# query's subject score above 0.5 and passages that share only its setting 0.3-0.45.
CLOSE = 0.5
RELATED = 0.3
_TOKEN = re.compile(r"([A-Za-z0-9][\w'’\-]*)")

# The results' look, scoped by gradio to the component (``gr.HTML(css_template=CSS)``); gradio's theme variables keep
# it readable in dark mode too.
CSS = """
.nd-note{padding:.6em 0;color:var(--body-text-color-subdued,#555)}
.nd-error{padding:.6em .8em;border-left:4px solid #c0392b;background:rgba(192,57,43,.08)}
.nd-card{padding:.7em 0 .8em;border-bottom:1px solid var(--border-color-primary,#ddd)}
.nd-meta{font-size:.95em;margin-bottom:.2em}
.nd-date{font-weight:700;font-size:1.05em;font-variant-numeric:tabular-nums}
.nd-source{font-weight:600}
.nd-hint{color:var(--body-text-color-subdued,#666);font-size:.9em}
.nd-title{font-size:1.08em;font-weight:600;display:block;margin:.1em 0 .3em}
.nd-text{margin:.2em 0;line-height:1.5}
.nd-text mark{background:#ffe58a;color:#000;padding:0 .1em;border-radius:2px}
.nd-copies{font-size:.9em;color:var(--body-text-color-subdued,#666)}
.nd-results a,.nd-timeline a{padding:0}
"""


def form_filters(since: str | None, until: str | None, as_of: str | None, sources: Sequence[str] | None = None
                 ) -> SearchFilters:
    """The filter fields of a form as one :class:`qa.SearchFilters` value.

    Raises:
        FilterError: a date is unreadable, or ``since`` is after the end of the window.
    """
    return SearchFilters.of(
        since=parse_day(since, "since"),
        until=parse_day(until, "until", end_of_day=True),
        as_of=parse_day(as_of, "as of", end_of_day=True),
        sources=list(sources) if sources else None,
    )


def friendly_error(exc: NewsDeskError) -> str:
    """One line for a person: the error's own message, without file paths (the archive's location is the server's
    business). Other exceptions are bugs: they reach gradio, which logs the traceback and shows only "Error".

    Example:
        >>> from qa import ArchiveNotFoundError
        >>> friendly_error(ArchiveNotFoundError("no archive at /home/ann/.newsdesk; run newsdesk ingest"))
        'no archive at (a folder on the server); run newsdesk ingest'
    """
    return without_paths(exc)


def title_link(ref: ArticleRef) -> str:
    """The article's title as HTML, linked to its page when it has a web address.

    Example:
        >>> title_link(ArticleRef(article_id="a", title="Rents <capped>", url="https://h.example/a?x=1&y=2"))
        '<a href="https://h.example/a?x=1&amp;y=2" target="_blank" rel="noopener noreferrer">Rents &lt;capped&gt;</a>'
    """
    title = html.escape(ref.title or "(untitled)")
    if not (ref.url and ref.url.startswith(("http://", "https://"))):
        return title  # a javascript: or file: address is never a link
    return f'<a href="{html.escape(ref.url, quote=True)}" target="_blank" rel="noopener noreferrer">{title}</a>'


def note(text: str, *, error: bool = False) -> str:
    """A short message in the results area."""
    kind = "nd-error" if error else "nd-note"
    return f'<div class="{kind}" role="{"alert" if error else "status"}">{html.escape(text)}</div>'


def query_words(query: str) -> frozenset[str]:
    """The word families of the query's content words: what the passages' text is marked by.

    Example:
        >>> sorted(query_words("the rent caps"))
        ['cap', 'rent']
    """
    return frozenset(stem(w) for w in content_words(query))


def highlight(text: str, words: Iterable[str]) -> str:
    """``text`` as HTML, with every word of the families ``words`` marked.

    Example:
        >>> highlight("Rents <capped> at 4%", query_words("rent cap"))
        '<mark>Rents</mark> &lt;<mark>capped</mark>&gt; at 4%'
    """
    wanted = frozenset(words)
    parts = _TOKEN.split(text)
    out = []
    for i, part in enumerate(parts):
        escaped = html.escape(part)
        # split() with one group puts the words at odd positions.
        out.append(f"<mark>{escaped}</mark>" if i % 2 and stem(part) in wanted else escaped)
    return "".join(out)


def closeness(hit: Hit, words: frozenset[str]) -> str:
    """How the passage matches, in words rather than scores.

    Example:
        >>> hit = Hit(rank=1, chunk_id="c", article=ArticleRef(article_id="a"), text="The rent cap holds.", start=0,
        ...           end=19, score=0.03, dense_score=0.62)
        >>> closeness(hit, query_words("rent cap increase"))
        'close in meaning · has 2 of your 3 words'
    """
    parts = []
    if hit.dense_score is not None:
        parts.append("close in meaning" if hit.dense_score >= CLOSE else "related" if hit.dense_score >= RELATED
                     else "loosely related")
    if words:
        found = len(words & {stem(w) for w in content_words(hit.text)})
        if found:
            parts.append("has all your words" if found == len(words) and len(words) > 1
                         else f"has {found} of your {len(words)} words" if len(words) > 1 else "has your word")
    return " · ".join(parts)


def render_hits(hits: Sequence[Hit], query: str) -> str:
    """The passages as HTML cards: date and publisher first, the title linked, the query's words marked."""
    words = query_words(query)
    cards = []
    for hit in hits:
        ref = hit.article
        title = title_link(ref)
        kind = " · headline only" if ref.headline_only else ""
        hint = closeness(hit, words)
        body = " ".join(hit.text.split())
        copies = (f'<div class="nd-copies">Also carried by {len(hit.copies)} other '
                  f'article{"s" if len(hit.copies) > 1 else ""}.</div>') if hit.copies else ""
        cards.append(
            f'<div class="nd-card"><div class="nd-meta"><span class="nd-date">{ref.date}</span> · '
            f'<span class="nd-source">{html.escape(ref.publisher)}</span>'
            f'{f" · <span class=nd-hint>{html.escape(hint)}{kind}</span>" if hint or kind else ""}</div>'
            f'<span class="nd-title">{title}</span><p class="nd-text">{highlight(body, words)}</p>{copies}</div>'
        )
    return '<div class="nd-results">' + "".join(cards) + "</div>"


def search_passages(
    desk: Desk,
    query: str,
    since: str | None = "",
    until: str | None = "",
    as_of: str | None = "",
    sources: Sequence[str] | None = None,
    k: float | int = DEFAULT_PASSAGES,
) -> str:
    """The Search tab's handler: the passages for ``query`` under the form's filters, as HTML.

    Returns:
        Passage cards, or one readable line: a note for a blank query or no results, or the error.
    """
    if not (query or "").strip():
        return note("Type what to look for, e.g. a name, an event or a few words from a story.")
    try:
        filters = form_filters(since, until, as_of, sources)
        count = max(1, min(MOST_PASSAGES, int(k or DEFAULT_PASSAGES)))
        hits = desk.search(query, filters, k=count)
    except NewsDeskError as exc:
        return note(friendly_error(exc), error=True)
    if not hits:
        return note(f"No passages match ({filters.describe()}).")
    return render_hits(hits, query)


def source_choices(desk: Desk) -> list[tuple[str, str]]:
    """The archive's publishers with their article counts, most first, as dropdown choices; none when the archive
    cannot be read (the search itself then says why)."""
    try:
        sources = desk.stats().sources
    except NewsDeskError:
        return []
    return [(f"{name} ({count:,})", name) for name, count in sources.items()]


def build(desk: Desk) -> None:
    """The Search tab's components and events; call inside ``with gr.Tab("Search"):``."""
    import gradio as gr

    with gr.Row():
        query = gr.Textbox(label="Search the archive", placeholder="e.g. rent cap", scale=4, elem_id="search-query")
        count = gr.Slider(1, MOST_PASSAGES, value=DEFAULT_PASSAGES, step=1, label="Passages", scale=1,
                          elem_id="search-count")
    with gr.Row():
        since = gr.Textbox(label="Since", placeholder="YYYY-MM-DD", elem_id="search-since")
        until = gr.Textbox(label="Until", placeholder="YYYY-MM-DD", elem_id="search-until")
        as_of = gr.Textbox(label="As of", placeholder="YYYY-MM-DD (nothing later)", elem_id="search-as-of")
        sources = gr.Dropdown(choices=source_choices(desk), multiselect=True, label="Sources", scale=2,
                              elem_id="search-sources")
    go = gr.Button("Search", variant="primary", elem_id="search-go")
    results = gr.HTML(note("Passages appear here, best matches first, each with its date and source."),
                      css_template=CSS, elem_id="search-results")

    def on_search(*form: Any) -> str:
        return search_passages(desk, *form)

    for trigger in (go.click, query.submit):
        trigger(on_search, inputs=[query, since, until, as_of, sources, count], outputs=results, api_name=False)
