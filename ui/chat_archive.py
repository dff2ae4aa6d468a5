"""What the chat says about the archive: the header (articles, dates, sources; never its path), the line that
states the filters in force, and example questions drawn from the archive's own latest headlines."""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from qa import NewsDeskError
from ui.chat_options import ChatOptions
from ui.chat_text import day, readable
from ui.fields import parse_day

logger = logging.getLogger(__name__)

SHOWN_SOURCES = 6


@dataclass(frozen=True)
class ArchiveFacts:
    """The archive's size, dates and sources, or why they could not be read (``problem``)."""

    articles: int = 0
    earliest: datetime | None = None
    latest: datetime | None = None
    sources: dict[str, int] = field(default_factory=dict)
    problem: str | None = None

    @property
    def newest_day(self) -> str | None:
        """The newest article's date as the date controls take it."""
        return f"{self.latest:%Y-%m-%d}" if self.latest else None


def archive_facts(desk: Any) -> ArchiveFacts:
    """``desk.stats()`` as facts to show; a missing or unreadable archive becomes a readable ``problem``."""
    try:
        stats = desk.stats()
    except NewsDeskError as exc:
        return ArchiveFacts(problem=readable(exc))
    return ArchiveFacts(stats.articles, stats.earliest, stats.latest, dict(stats.sources))


def header_html(facts: ArchiveFacts) -> str:
    """The page header: what the archive holds, with dates and sources prominent."""
    if facts.problem:
        body = f'<p class="nd-facts nd-problem">{html.escape(facts.problem)}</p>'
    elif not facts.articles:
        body = ('<p class="nd-facts nd-problem">The archive is empty: add articles with '
                "<code>newsdesk ingest FOLDER</code>, then reload this page.</p>")
    else:
        span = (f"<b>{day(facts.earliest)}</b> to <b>{day(facts.latest)}</b>" if facts.earliest and facts.latest
                else "no dated articles")
        names = list(facts.sources.items())
        shown = " · ".join(f"{html.escape(name)} <span class='nd-count'>{count:,}</span>"
                           for name, count in names[:SHOWN_SOURCES])
        more = f" · +{len(names) - SHOWN_SOURCES} more" if len(names) > SHOWN_SOURCES else ""
        body = (f'<p class="nd-facts"><b>{facts.articles:,}</b> articles · {span} · {len(names)} '
                f'source{"s" if len(names) != 1 else ""}</p><p class="nd-sources-line">{shown}{more}</p>')
    return (f'<header class="nd-header"><h1>newsdesk</h1><p class="nd-tagline">Answers from the archive; every '
            f"claim cites a dated, sourced passage [n].</p>{body}</header>")


def status_html(options: ChatOptions, facts: ArchiveFacts) -> str:
    """One line stating the filters in force, and a hint when "today" lies far beyond the archive's newest article
    (then "this week" finds nothing)."""
    try:
        as_of = parse_day(options.as_of, "as of")
        since, until = parse_day(options.since, "since"), parse_day(options.until, "until")
    except NewsDeskError as exc:
        return f'<p class="nd-status nd-bad">{html.escape(str(exc))}</p>'
    parts = [f"As of <b>{day(as_of)}</b>" if as_of else "As of <b>now</b>"]
    if since or until:
        parts.append(f"published {'from ' + day(since) if since else ''}{' to ' + day(until) if until else ''}")
    parts.append(html.escape(", ".join(options.sources)) if options.sources else "all sources")
    if options.passages:
        parts.append(f"{int(options.passages)} passages")
    if options.model:
        parts.append(html.escape(options.model))
    hint = ""
    if facts.latest and (as_of is None or as_of - facts.latest > timedelta(days=7)):
        hint = (f'<span class="nd-hint">Newest article: {day(facts.latest)}; “this week” counts back from the '
                f"as-of date.</span>")
    return f'<p class="nd-status">{" · ".join(parts)}. {hint}</p>'


def example_questions(desk: Any, facts: ArchiveFacts, limit: int = 3) -> list[str]:
    """Questions about the latest headlines in the archive (its own news, whatever year it covers); none when the
    archive is empty or cannot be searched."""
    if not facts.articles or facts.latest is None:
        return []
    try:
        # Any query will do: the window keeps only the last fortnight, and the newest headlines are picked from it.
        hits = desk.search("news report", since=facts.latest - timedelta(days=14), as_of=facts.latest, k=30)
    except NewsDeskError as exc:
        logger.info("no example questions: %s", exc)
        return []
    seen: dict[str, datetime] = {}
    for hit in hits:
        ref = hit.article
        title = " ".join((ref.title or "").split()).rstrip(".?!:")
        if ref.headline_only or not title or len(title.split()) < 3 or title in seen:
            continue
        seen[title] = ref.published_at or facts.latest
    newest = sorted(seen, key=lambda t: seen[t], reverse=True)[:limit]
    return [f"What happened: {title}?" for title in newest]
