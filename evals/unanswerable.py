"""The unanswerable set: each question asked on a day before the archive could know its answer.

From any question file, :func:`derive_unanswerable` moves each question's as-of date before its event and leaves out
its gold articles and their exact copies, then keeps it only when no article visible at that date (published on or
before it, or undated, and not left out) holds a gold answer's text (:func:`evals.metrics.bears_answer`). A system
should abstain on every question of the set; any answer is wrong.

The as-of date (end of that day, UTC, as for every question):

- **with dated gold articles**: the day before the earliest of them (and never after the question's own date). The
  gold article is the quiz's own report of the event; the day before it the event is, as a rule, not yet in print.
- **otherwise**: the question date minus :data:`NO_GOLD_LEAD_DAYS` (7). RealTimeQA is a weekly quiz on the past
  week's news, so a week earlier precedes most of its events.

Either way an earlier report that already carries the answer text drops the question, so the choice of date only
decides how many questions survive. What the text check cannot see (an earlier report that words the answer
differently, or a "recently" question whose answer a week earlier was another one) is measured by reading in
docs/eval/unanswerable/README.md.

``python -m evals.calibrate unanswerable --questions Q --articles A`` lists the set (JSON Lines) and counts it.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from evals.datasets import ArticleSet, Question, resolve_gold
from evals.metrics import bearing_needles, bears_answer

NO_GOLD_LEAD_DAYS = 7


@dataclass
class UnanswerableSet:
    """Questions the archive cannot answer as asked, and what each must be answered without.

    Attributes:
        questions: copies of the kept questions with the new ``as_of`` and ``unanswerable=True``, in input order.
        exclude: question id -> article ids to leave out (gold articles and their exact copies).
        asked_on: question id -> the question's original date.
        dropped: question id -> why it was not kept.
    """

    questions: list[Question] = field(default_factory=list)
    exclude: dict[str, tuple[str, ...]] = field(default_factory=dict)
    asked_on: dict[str, date | None] = field(default_factory=dict)
    dropped: dict[str, str] = field(default_factory=dict)

    def summary(self) -> dict[str, object]:
        """Counts for the report: kept, dropped by reason."""
        reasons = Counter(reason.split(":")[0] for reason in self.dropped.values())
        return {"kept": len(self.questions), "dropped": dict(sorted(reasons.items()))}


def derive_unanswerable(questions: Sequence[Question], articles: ArticleSet) -> UnanswerableSet:
    """The questions of ``questions`` that the archive cannot answer when asked before their event.

    Args:
        questions: any questions (gold answers needed: a question without one of 4+ characters cannot be checked).
        articles: the archive's articles.

    Returns:
        The kept questions with their as-of dates and exclusions, and the reasons the others were dropped.
    """
    result = UnanswerableSet()
    # Dated articles oldest first, so the visibility check reads only the prefix published by the as-of date.
    dated = sorted((a.published_at, a.article_id) for a in articles.articles if a.published_at is not None)
    times, dated_ids = [t for t, _ in dated], [aid for _, aid in dated]
    # newsdesk's as_of keeps undated articles, so they are visible on every date.
    undated = [a.article_id for a in articles.articles if a.published_at is None]
    for question in questions:
        needles = bearing_needles(question.answers)
        if not needles:
            result.dropped[question.qid] = "no gold answer of 4+ characters to check"
            continue
        exclude = _gold_and_copies(question, articles)
        as_of = _as_of(question, exclude, articles)
        if as_of is None:
            result.dropped[question.qid] = "no date: the question is undated and has no dated gold article"
            continue
        end = dataclasses.replace(question, as_of=as_of).query().as_of
        visible = undated + dated_ids[: bisect_right(times, end)]
        leak = next((a for a in visible if a not in exclude and bears_answer(articles.normalized_text(a), needles)),
                    None)
        if leak is not None:
            result.dropped[question.qid] = f"answer visible: article {leak} holds it by {as_of}"
            continue
        result.questions.append(dataclasses.replace(question, as_of=as_of, unanswerable=True))
        result.exclude[question.qid] = tuple(sorted(exclude))
        result.asked_on[question.qid] = question.as_of
    return result


def _gold_and_copies(question: Question, articles: ArticleSet) -> set[str]:
    # Named gold ids are left out even when they have no text (harmless), with every exact copy of each.
    gold = set(question.gold_article_ids) | resolve_gold(question, articles)
    return {copy for aid in gold for copy in articles.aliases.get(aid, {aid})}


def _as_of(question: Question, gold: set[str], articles: ArticleSet) -> date | None:
    published = [a.published_at.date() for g in gold if (a := articles.article(g)) and a.published_at]
    if published:
        before = min(published) - timedelta(days=1)
        return min(before, question.as_of) if question.as_of else before
    return question.as_of - timedelta(days=NO_GOLD_LEAD_DAYS) if question.as_of else None
