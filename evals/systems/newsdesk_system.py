"""newsdesk itself: ``Desk.search`` for retrieval, ``Desk.ask_stream`` for answers, both at the question's as-of
time (and without the articles a ``--remove-gold`` or ``--unanswerable`` run leaves out)."""

from __future__ import annotations

from evals.datasets import Query
from evals.systems.base import (
    TOP_K,
    AnswerRecord,
    ChoicePick,
    CitationRecord,
    RecordingLLM,
    Retrieval,
    Stopwatch,
    ranked_articles,
)
from qa.desk import Desk
from qa.filters import SearchFilters


class NewsdeskSystem:
    """newsdesk over an eval archive.

    Args:
        desk: the Desk over the eval archive; its LLM is wrapped so the multiple-choice turn can continue the
            exact prompt ``Desk.ask`` sent.
        close_desk: close the Desk on :meth:`close` (False when another system shares it).
    """

    name = "newsdesk"
    can_answer = True

    def __init__(self, desk: Desk, *, close_desk: bool = False) -> None:
        self.desk = desk
        self.recorder = desk.llm if isinstance(desk.llm, RecordingLLM) else RecordingLLM(desk.llm)
        desk.llm = self.recorder
        self.close_desk = close_desk

    def retrieve(self, query: Query) -> Retrieval:
        """``Desk.search(question, k=10)`` as of the end of the question's day, without the removed articles."""
        watch = Stopwatch()
        hits = self.desk.search(query.text, _filters(query), k=TOP_K)
        ms = watch.ms()
        return Retrieval(ranked_articles([h.article_id for h in hits]), [h.chunk_id for h in hits], ms)

    def answer(self, query: Query) -> AnswerRecord:
        """``Desk.ask_stream(question)``, read to the end as a user would; its checked Answer is the answer, and
        ``first_text_ms`` the time from the call to the first piece holding text. The multiple-choice pick is
        ``Desk.choose`` (newsdesk's own method: evidence match, then the LLM's order-debiased letter probabilities),
        recorded as the letter pick. Both take the same filters as retrieval: the question's as-of time, and never
        a removed article."""
        self.recorder.reset()
        filters = _filters(query)
        watch = Stopwatch()
        stream = self.desk.ask_stream(query.text, filters)  # retrieves at the call: the clock starts before it
        first_text_ms = None
        for piece in stream:
            if first_text_ms is None and piece.strip():  # a bare space or newline shows the user nothing yet
                first_text_ms = watch.ms()
        ms = watch.ms()
        answer = stream.answer
        assert answer is not None, "an exhausted AnswerStream holds its Answer"
        pick = ChoicePick()
        if query.choices:
            chosen = self.desk.choose(query.text, query.choices, filters)
            pick = ChoicePick(letter=chosen.index, letter_reply=f"choose:{chosen.method}")
        return AnswerRecord(
            text=answer.text,
            abstained=answer.abstained,
            citations=[CitationRecord(c.marker, c.article_id, c.quote, c.chunk_id) for c in answer.citations],
            ms=ms,
            tokens_in=answer.timings.prompt_tokens,
            tokens_out=answer.timings.completion_tokens,
            first_text_ms=first_text_ms,
            checked=[{"text": s.text, "supported": s.supported, "reason": s.reason}
                     for s in ([answer.lead] if answer.lead else []) + answer.sentences],
        ).set_picks(pick)

    def close(self) -> None:
        """Close the Desk if this system owns it."""
        if self.close_desk:
            self.desk.close()


def _filters(query: Query) -> SearchFilters:
    # One value for every call a question makes, so no call can miss the removed articles.
    return SearchFilters(as_of=query.as_of, exclude=query.removed)
