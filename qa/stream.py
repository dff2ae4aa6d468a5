"""A streamed answer: :class:`AnswerStream` yields the quoted lead, then the model's words, and holds the checked
:class:`~qa.types.Answer` once exhausted; :class:`Prepared` is what is decided before the model is called."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from qa.answering.evidence import Evidence
from qa.answering.lead import Lead
from qa.llm.base import Message
from qa.types import Answer, AnswerSentence, Hit

if TYPE_CHECKING:
    from qa.desk import Desk

__all__ = ["AnswerStream", "Prepared", "ms_since"]


class AnswerStream:
    """The pieces of an answer as the model writes them; ``answer`` is set once the stream is exhausted.

    When newsdesk answers without the model (an abstention, a speaker's statement list), the whole text
    arrives as one piece.
    """

    def __init__(self, desk: Desk, prepared: Prepared | Answer) -> None:  # made by Desk.ask_stream
        self._desk = desk
        self._prepared = prepared
        self.answer: Answer | None = prepared if isinstance(prepared, Answer) else None

    @property
    def lead(self) -> AnswerSentence | None:
        """The quoted source sentence the answer starts with, known before the model writes; when there is one, it
        is the first piece the stream yields, and it needs no further check (it is the source's own words).

        None when a judge is still to read the lead (``answer.judge="reread"``): the first piece is then the quote
        as draft text, and the checked ``answer`` keeps it only if the judge agrees."""
        prepared = self._prepared
        if not isinstance(prepared, Prepared) or prepared.lead is None or prepared.lead_awaits_judge:
            return None
        return prepared.lead.checked()

    @property
    def quoted(self) -> bool:
        """Whether the first piece is the quoted lead: shown as checked text (``lead``), or as draft text while a
        judge is still to read it."""
        return isinstance(self._prepared, Prepared) and self._prepared.lead is not None

    def __iter__(self) -> Iterator[str]:
        if isinstance(self._prepared, Answer):
            yield self._prepared.text
            return
        desk, prepared = self._desk, self._prepared
        started = time.perf_counter()
        first_ms: float | None = None
        if prepared.lead is not None:
            # Extractive first: the quoted lead is shown at once, while the model is still reading.
            first_ms = ms_since(started)
            yield prepared.lead.text + " "
        pieces: list[str] = []
        # Closed on leaving the block, so an answer abandoned mid-stream stops the model at once.
        with desk.llm.stream(prepared.messages, max_tokens=desk.settings.llm.max_tokens) as stream:
            for piece in stream:
                if first_ms is None:
                    first_ms = ms_since(started)
                pieces.append(piece)
                yield piece
        usage = stream.completion  # this stream's own counts, whoever else used the model meanwhile
        answer = desk._finish(prepared, "".join(pieces), ms_since(started), usage.prompt_tokens if usage else 0,
                              usage.completion_tokens if usage else len(pieces))
        self.answer = answer.model_copy(
            update={"timings": answer.timings.model_copy(update={"first_token_ms": first_ms or 0.0})}
        )


@dataclass(frozen=True)
class Prepared:
    """Everything decided before the model is called: the hits, the evidence shown and the prompt."""

    question: str
    as_of: datetime
    hits: list[Hit]
    evidence: list[Evidence]
    messages: list[Message]
    retrieve_ms: float
    lead: Lead | None = None
    lead_awaits_judge: bool = False  # a judge reads the lead after the model writes: until then it is draft text


def ms_since(started: float) -> float:
    """Milliseconds since ``started`` (a ``time.perf_counter()`` reading)."""
    return (time.perf_counter() - started) * 1000
