"""Checking an answer against one passage, as the answer path does: a test helper for the check's dev cases."""

from __future__ import annotations

from datetime import datetime, timezone

from index.embedding import Embedder
from index.reference import ArticleRef
from qa.answering.evidence import select_evidence
from qa.answering.lead import Lead, find_lead
from qa.answering.support import check_answer
from qa.settings import SupportSettings
from qa.types import AnswerSentence, Hit


def checked(question: str, text: str, title: str, answer: str, embedder: Embedder) -> list[AnswerSentence]:
    """``answer`` checked against ``text``, the one retrieved passage (source [1], with headline ``title``), after
    the sentences shown to the model are selected from it for ``question``."""
    ref = ArticleRef(article_id="a", title=title, source="CNN", published_at=datetime(2022, 7, 20, tzinfo=timezone.utc))
    hit = Hit(rank=1, chunk_id="a:0", article=ref, text=text, start=0, end=len(text), score=1.0, dense_score=0.6)
    shown = select_evidence(question, [hit], embedder, budget_tokens=400)
    return check_answer(answer, shown, embedder, SupportSettings(), question=question)


def lead_of(question: str, text: str, title: str, embedder: Embedder, published: datetime | None = None
            ) -> Lead | None:
    """The quoted lead the answer path picks for ``question`` when ``text`` (headline ``title``, out at
    ``published``) is the one passage."""
    ref = ArticleRef(article_id="a", title=title, published_at=published)
    hit = Hit(rank=1, chunk_id="a:0", article=ref, text=text, start=0, end=len(text), score=1.0, dense_score=0.6)
    return find_lead(question, select_evidence(question, [hit], embedder), embedder)
