"""The chat's event handlers, plain Python (Gradio only wires them): take a question, stream its answer, clear.

A question is taken by :func:`start` (echoed at once) and answered by :func:`answer`, a generator of what the page
shows step by step: the quoted lead (checked: the source's own words), the model's draft in a pending "checking…"
message, then the checked answer, which replaces both. Nothing unchecked stays on the page as fact: the draft is
dropped even when the model fails mid-way. Each browser session has its own :class:`ChatSession`.
"""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

from qa import Answer, NewsDeskError
from qa.chat import Turn
from ui.chat_cards import EMPTY_PANEL, TurnSources, sources_panel, turn_sources
from ui.chat_options import ChatOptions, desk_for
from ui.chat_render import (
    DRAFT_TITLE,
    SEARCHING_TITLE,
    answer_html,
    bot,
    draft_html,
    error_html,
    lead_html,
    left_out_html,
    left_out_title,
    user_message,
)
from ui.chat_text import readable

logger = logging.getLogger(__name__)

REWRITE_TITLE = "Follow-up: searched as a standalone question"
WHY_TITLE = "Why there is no answer"
STEP_SECONDS = 0.12  # the draft is re-sent at most this often: each step re-sends the conversation
EMPTY_NOTICE = "Type a question first."
BUSY_NOTICE = "Still answering the previous question; ask again when it is done."
INTERNAL_ERROR = ("Something went wrong while answering (an internal error, logged on the server). Try again or "
                  "rephrase the question.")


@dataclass
class ChatSession:
    """One browser session: the messages shown, each answer's sources, and the qa Chat that rewrites follow-ups."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    sources: list[TurnSources] = field(default_factory=list)
    chat: Any = None  # a qa Chat, made from the desk on the first question
    turns: int = 0
    pending: str | None = None  # taken by start(), not yet answered
    busy: bool = False


@dataclass(frozen=True)
class Shown:
    """What the page shows after a step; ``sources`` and ``notice`` are None when they stay as they are."""

    messages: list[dict[str, Any]]
    sources: str | None = None
    notice: str | None = None


def start(session: ChatSession | None, message: str) -> tuple[ChatSession, str, Shown]:
    """Take a question: echo it at once. An empty question, or one asked while the previous is being answered, is
    not taken (the question box keeps what was typed).

    Returns:
        The session, the question box's new text, and what to show.
    """
    session = session or ChatSession()
    text = (message or "").strip()
    if not text or session.busy or session.pending is not None:
        return session, message or "", Shown(list(session.messages), notice=EMPTY_NOTICE if not text else BUSY_NOTICE)
    session.pending = text
    session.messages.append(user_message(text))
    return session, "", Shown([*session.messages, bot("", SEARCHING_TITLE, "pending")], notice="")


def answer(desk: Any, session: ChatSession, options: ChatOptions) -> Iterator[Shown]:
    """Answer the question :func:`start` took, step by step; nothing when there is none.

    Errors a reader can cause or fix (a bad date, a dead LLM endpoint, an empty archive) end the turn with their
    one-line message; anything else is logged with its traceback and shown as an internal error.
    """
    message, session.pending = session.pending, None
    if message is None:
        return
    session.busy = True
    session.turns += 1
    turn, head = session.turns, list(session.messages)
    failure = None
    try:
        final, searched, rewrite = yield from _stream(desk, session, options, message, head)
    except NewsDeskError as exc:
        failure = readable(exc)
    except Exception:  # noqa: BLE001 - a bug must not take the page down; it is logged with its traceback
        logger.exception("answering %r failed", message)
        failure = INTERNAL_ERROR
    finally:
        session.busy = False
    if failure is not None:
        yield _finish(session, [bot(error_html(failure))])
        return
    if session.chat is not None:
        session.chat.turns.append(Turn(message, searched, final.text))  # what Chat.ask records, for follow-ups
    session.sources.append(turn_sources(final, turn, message))
    yield _finish(session, [*rewrite, *_answer_messages(final, turn)], sources_panel(session.sources))


def clear() -> tuple[ChatSession, Shown]:
    """A new session: no messages, no sources, no conversation for follow-ups to lean on."""
    return ChatSession(), Shown([], EMPTY_PANEL, "")


def _stream(
    desk: Any, session: ChatSession, options: ChatOptions, message: str, head: list[dict[str, Any]]
) -> Generator[Shown, None, tuple[Answer, str, list[dict[str, Any]]]]:
    """The steps of one answer; returns (checked answer, question searched, rewrite messages)."""
    filters = options.filters()
    answering = desk_for(desk, options.model, options.passages)
    if session.chat is None:
        session.chat = desk.chat()
    session.chat.desk = answering  # the follow-up is rewritten by the model the reader chose
    searched = session.chat.standalone(message)
    rewrite = [bot(html.escape(searched), REWRITE_TITLE, "done")] if searched != message else []
    if rewrite:
        yield Shown([*head, *rewrite, bot("", SEARCHING_TITLE, "pending")])
    stream = answering.ask_stream(searched, filters)
    if stream.answer is not None:  # answered without the model (an abstention, a speaker's statements)
        return stream.answer, searched, rewrite
    lead = [bot(lead_html(stream.lead.text))] if stream.lead is not None else []
    loading = "" if getattr(answering.llm, "loaded", True) else "loading the model (first question only)…"
    pieces = iter(stream)
    try:
        if lead:
            next(pieces)  # the lead's own piece: shown from stream.lead, as checked text
        yield Shown([*head, *rewrite, *lead, _draft("", loading)])
        draft, sent = "", time.monotonic()
        for piece in pieces:
            draft += piece
            if time.monotonic() - sent >= STEP_SECONDS:
                yield Shown([*head, *rewrite, *lead, _draft(draft)])
                sent = time.monotonic()
    finally:
        close = getattr(pieces, "close", None)
        if close is not None:
            close()  # an answer abandoned mid-way (Clear, a closed tab) stops the model at once
    assert stream.answer is not None  # set once the stream is exhausted
    return stream.answer, searched, rewrite


def _draft(text: str, log: str = "") -> dict[str, Any]:
    message = bot(draft_html(text), DRAFT_TITLE, "pending")
    if log:
        message["metadata"]["log"] = log
    return message


def _answer_messages(final: Answer, turn: int) -> list[dict[str, Any]]:
    messages = [bot(answer_html(final, turn))]
    if final.abstained and final.reason:
        messages.append(bot(f'<p class="nd-reason">{html.escape(readable(final.reason))}</p>', WHY_TITLE, "done"))
    left_out = left_out_html(final)
    if left_out:
        messages.append(bot(left_out, left_out_title(final), "done"))
    return messages


def _finish(session: ChatSession, turn_messages: list[dict[str, Any]], sources: str | None = None) -> Shown:
    session.messages.extend(turn_messages)
    return Shown(list(session.messages), sources)
