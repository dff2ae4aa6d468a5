"""The sources panel: one card per citation, numbered as in the answer, with the supporting sentences highlighted.

A card shows the date and the publisher first (a reporter's first questions), the headline linked to the article,
and the passage the model was shown with the sentences that support the answer marked. A supporting sentence that
lies outside the shown passage is quoted below it, so the support is always on the card.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from qa import Answer, Citation, Hit
from ui.chat_render import card_id, renumber
from ui.chat_text import day

EMPTY_PANEL = ('<div class="nd-panel-empty"><h3>Sources</h3><p>Each answer\'s sources appear here: one card per '
               "[n] in the answer, dated and with the supporting sentence highlighted. Click a [n] to jump to its "
               "card.</p></div>")


@dataclass(frozen=True)
class TurnSources:
    """The sources of one answered question, as rendered for the panel."""

    turn: int
    question: str
    cards: str


def turn_sources(answer: Answer, turn: int, question: str) -> TurnSources:
    """The cards of an answer; for an abstention, the closest passages (marked as not cited)."""
    if answer.citations:
        cards = "".join(citation_card(citation, number, turn) for number, citation in renumber(answer).citations)
    elif answer.hits:
        closest = "".join(hit_card(hit) for hit in answer.hits[:3])
        cards = f'<p class="nd-note">Nothing is cited. The closest passages found:</p>{closest}'
    else:
        cards = '<p class="nd-note">No passage matched.</p>'
    return TurnSources(turn, question, cards)


def sources_panel(turns: list[TurnSources]) -> str:
    """Every answered question's sources, newest first and open; earlier ones folded (a marker click unfolds)."""
    if not turns:
        return EMPTY_PANEL
    sections = []
    for index, shown in enumerate(reversed(turns)):
        head = f"Sources for “{html.escape(shown.question)}”"
        if index == 0:
            sections.append(f'<section class="nd-turn" id="nd-turn-{shown.turn}"><h3>{head}</h3>{shown.cards}'
                            "</section>")
        else:
            sections.append(f'<details class="nd-turn" id="nd-turn-{shown.turn}"><summary>{head}</summary>'
                            f"{shown.cards}</details>")
    return "".join(sections)


def citation_card(citation: Citation, number: int, turn: int) -> str:
    """The card of marker ``number``: date, publisher, linked headline, the passage with its support marked."""
    passage, outside = highlight(citation.quote, [span.text for span in citation.spans])
    extra = "".join(f'<p class="nd-support-extra">Supporting sentence: <mark>{html.escape(text)}</mark></p>'
                    for text in outside)
    return (f'<article class="nd-card" id="{card_id(turn, number)}" tabindex="-1">'
            f'{_head(citation.article, str(number))}<blockquote class="nd-passage">{passage}</blockquote>{extra}'
            "</article>")


def hit_card(hit: Hit) -> str:
    """A retrieved passage that is not cited (shown when newsdesk abstains)."""
    text = " ".join(hit.text.split())
    body = html.escape(text[:400]) + ("…" if len(text) > 400 else "")
    return (f'<article class="nd-card nd-uncited">{_head(hit.article, "·")}'
            f'<blockquote class="nd-passage">{body}</blockquote></article>')


def highlight(quote: str, supports: list[str]) -> tuple[str, list[str]]:
    """``quote`` as HTML with each supporting sentence in ``<mark>``, and the supports not found in it.

    Example:
        >>> highlight("Rents rose. The cap is 4 percent.", ["The cap is  4 percent.", "Elsewhere."])
        ('Rents rose. <mark>The cap is 4 percent.</mark>', ['Elsewhere.'])
    """
    text = " ".join(quote.split())
    ranges: list[tuple[int, int]] = []
    outside = []
    for support in supports:
        wanted = " ".join(support.split())
        at = text.find(wanted) if wanted else -1
        if at < 0:
            if wanted:
                outside.append(wanted)
            continue
        ranges.append((at, at + len(wanted)))
    parts, cursor = [], 0
    for start, end in _merged(ranges):
        parts += [html.escape(text[cursor:start]), f"<mark>{html.escape(text[start:end])}</mark>"]
        cursor = end
    parts.append(html.escape(text[cursor:]))
    return "".join(parts), outside


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _head(ref: object, label: str) -> str:
    title = html.escape(getattr(ref, "title", None) or "(untitled)")
    url = getattr(ref, "url", None) or ""
    # Only web links: a stored "javascript:" URL must not become a clickable one.
    linked = (f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">{title}</a>'
              if url.startswith(("http://", "https://")) else title)
    published = getattr(ref, "published_at", None)
    when = (f'<time class="nd-date" datetime="{published:%Y-%m-%d}">{day(published)}</time>' if published
            else '<span class="nd-date nd-undated">undated</span>')
    source = html.escape(getattr(ref, "source", None) or "unknown source")
    return (f'<div class="nd-card-head"><span class="nd-num">{label}</span>{when}'
            f'<span class="nd-source">{source}</span></div><h4 class="nd-title">{linked}</h4>')
