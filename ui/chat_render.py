"""The chat's messages as HTML for Gradio's Chatbot: the checked answer with ``[n]`` markers that link to their source
cards, the quoted lead, the model's draft marked unchecked, the sentences left out, the follow-up's rewrite, errors.

Markers are renumbered in the order the answer cites them, so an answer citing only passage 4 of the prompt reads
``[1]`` and has card 1. Each message is one ``<div>`` with no blank line inside: Markdown leaves an HTML block alone,
so a ``*`` or ``_`` in a headline is never read as emphasis.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from index.text import MARKER, strip_markers
from qa import Answer, Citation

_SPACED_MARKER = re.compile(r"(\s*)\[(\d+(?:\s*,\s*\d+)*)\]")
DRAFT_TITLE = "checking… the model's draft, not yet verified against the sources"
SEARCHING_TITLE = "Searching the archive…"


@dataclass(frozen=True)
class Numbered:
    """An answer's text and citations with markers renumbered 1, 2, … in the order the text cites them."""

    text: str
    citations: list[tuple[int, Citation]]


def renumber(answer: Answer) -> Numbered:
    """Markers in citing order; a marker with no citation (it points at nothing checkable) is dropped from the text.

    Example:
        >>> from index.reference import ArticleRef
        >>> cite = lambda n: Citation(marker=n, chunk_id="a:0", article=ArticleRef(article_id="a"), quote="q",
        ...                           start=0, end=1)
        >>> numbered = renumber(Answer(question="?", text="Rents rose [4]. Costs fell [2, 4] [7].",
        ...                            citations=[cite(2), cite(4)]))
        >>> numbered.text, [(n, c.marker) for n, c in numbered.citations]
        ('Rents rose [1]. Costs fell [2, 1].', [(1, 4), (2, 2)])
    """
    cited = {c.marker: c for c in answer.citations}
    order = [int(n) for m in MARKER.finditer(answer.text) for n in m.group(1).split(",") if int(n) in cited]
    order = list(dict.fromkeys(order)) + [m for m in cited if m not in order]
    new = {old: i for i, old in enumerate(order, 1)}
    return Numbered(_map_markers(answer.text, new), [(new[m], cited[m]) for m in order])


def card_id(turn: int, number: int) -> str:
    """The HTML id of the card of marker ``number`` in the answer of ``turn``."""
    return f"nd-c-{turn}-{number}"


def answer_html(answer: Answer, turn: int) -> str:
    """The checked answer: its text with each ``[n]`` a link to card n; an abstention says only that."""
    if answer.abstained:  # the reason may quote the model's rejected words: it goes in a folded message
        return f'<div class="nd-answer nd-final nd-abstain"><p>{html.escape(answer.text)}</p></div>'
    numbered = renumber(answer)
    return f'<div class="nd-answer nd-final">{_paragraphs(numbered.text, turn)}</div>'


def lead_html(lead_text: str, number: int = 1) -> str:
    """The quoted lead, shown while the model writes: the source's own words, already checked. Its marker is not a
    link yet (the cards come with the checked answer), and it is numbered as the answer will number it: first."""
    text = _map_markers(lead_text, {n: number for n in _numbers(lead_text)})
    return f'<div class="nd-answer nd-lead">{_paragraphs(text, None)}</div>'


def draft_html(draft: str) -> str:
    """The model's words so far, dimmed: content of the pending "checking…" message, replaced when checked."""
    return f'<div class="nd-draft">{html.escape(draft.strip()) or "…"}</div>'


def left_out_html(answer: Answer) -> str | None:
    """The sentences the model wrote that are not shown as fact (no source supports them, they do not answer, or a
    later report gives another figure), struck out with the reason; None when there are none."""
    dropped = answer.unsupported
    if not dropped:
        return None
    items = "".join(f"<li><s>{html.escape(strip_markers(s.text))}</s> <span class='nd-why'>"
                    f"{html.escape(s.reason or 'no cited passage says this')}</span></li>" for s in dropped)
    return f'<ul class="nd-left-out">{items}</ul>'


def left_out_title(answer: Answer) -> str:
    """The collapsed heading of :func:`left_out_html`."""
    n = len(answer.unsupported)
    return f"Left out: {n} sentence{'s' if n != 1 else ''} not shown as fact"


def error_html(message: str) -> str:
    """A problem, in words (never a traceback)."""
    return f'<div class="nd-error" role="alert">⚠️ {html.escape(message)}</div>'


def user_message(text: str) -> dict[str, Any]:
    """The reader's question as a chat message."""
    return {"role": "user", "content": html.escape(text)}


def bot(content: str, title: str | None = None, status: str | None = None) -> dict[str, Any]:
    """An assistant message; with ``title`` a collapsible one (open with a spinner while ``status`` is pending,
    closed once it is done)."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if title:
        message["metadata"] = {"title": title, **({"status": status} if status else {})}
    return message


def _numbers(text: str) -> list[int]:
    return [int(n) for m in MARKER.finditer(text) for n in m.group(1).split(",")]


def _map_markers(text: str, new: dict[int, int]) -> str:
    def replace(match: re.Match[str]) -> str:
        kept = [str(new[int(n)]) for n in match.group(2).split(",") if int(n) in new]
        return f"{match.group(1)}[{', '.join(dict.fromkeys(kept))}]" if kept else ""

    return _SPACED_MARKER.sub(replace, text)


def _paragraphs(text: str, turn: int | None) -> str:
    # A speaker's statements come as lines ("- 2025-06-22, Reuters: …"); they become a list.
    blocks: list[str] = []
    items: list[str] = []
    for line in (part.strip() for part in text.splitlines()):
        if line.startswith("- "):
            items.append(f"<li>{_linked(line[2:], turn)}</li>")
            continue
        if items:
            blocks.append(f"<ul>{''.join(items)}</ul>")
            items = []
        if line:
            blocks.append(f"<p>{_linked(line, turn)}</p>")
    if items:
        blocks.append(f"<ul>{''.join(items)}</ul>")
    return "".join(blocks)


def _linked(text: str, turn: int | None) -> str:
    escaped = html.escape(text)
    if turn is None:
        return MARKER.sub(lambda m: f'<span class="nd-marker-plain">{m.group(0)}</span>', escaped)

    def links(match: re.Match[str]) -> str:
        return "".join(f'<a class="nd-marker" href="#{card_id(turn, int(n))}" title="Show source {int(n)}">'
                       f"[{int(n)}]</a>" for n in match.group(1).split(","))

    return MARKER.sub(links, escaped)
