"""A count changes as a story runs: in an answer to "how many", an older report's figure gives way to a later one's.

Asked on 5 August "How many people died in the Kentucky floods?", newsdesk answered with a quote from 1 August ("At
least 28 people have died") and the model's sentence from a digest of 29 July ("There were 8 people dead"). Each is
supported by its own source; together they contradict each other, and the reader cannot tell which holds. Where two
supported sentences of a "how many" answer give no figure in common and cite reports of different days, the sentence
of the older report is left out, with the later report named as the reason. The quoted lead is never left out: it is
shown before the model writes.
"""

from __future__ import annotations

import re

from index.text import strip_markers
from qa.answering.answer_type import asked_type
from qa.answering.evidence import Evidence
from qa.answering.figures import numbers_in, without_framing
from qa.answering.offices import office_left
from qa.types import AnswerSentence

# A day or a year is when, not how many: "8 dead on July 29" and "28 dead by Aug. 1" share no count.
_DATE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\b"
    r"|\b(?:19|20)\d\d\b"
)


def counts(sentence: str, question: str) -> set[str]:
    """The figures ``sentence`` gives that ``question`` does not hold, days and years left aside.

    Example:
        >>> sorted(counts("At least 28 people had died by Aug. 1, 2022 [3].", "How many died in the floods?"))
        ['28']
    """
    plain = _DATE.sub(" ", without_framing(strip_markers(sentence), question))
    return numbers_in(plain) - numbers_in(question)


def drop_superseded(question: str, sentences: list[AnswerSentence], sources: list[Evidence],
                    lead: AnswerSentence | None = None) -> list[AnswerSentence]:
    """``sentences`` (the model's, checked), each supported one whose figures a later report contradicts marked
    unsupported with the reason (only where ``question`` asks how many), as is one giving an office to a name a
    report of its day or later says has left it (:func:`_drop_former_holders`). ``lead``, the quoted lead, counts as
    a later report but is never itself left out.

    Example:
        >>> from datetime import datetime, timezone
        >>> from qa.answering.evidence import Evidence
        >>> from qa.types import Hit
        >>> from index.reference import ArticleRef
        >>> def source(n, day):
        ...     ref = ArticleRef(article_id=str(n), published_at=datetime(2022, 7, day, tzinfo=timezone.utc))
        ...     hit = Hit(rank=n, chunk_id=str(n), article=ref, text="", start=0, end=0, score=1.0)
        ...     return Evidence(marker=n, hit=hit, sentences=[])
        >>> said = [AnswerSentence(text="At least 28 people died [2].", markers=[2], supported=True),
        ...         AnswerSentence(text="There were 8 people dead [1].", markers=[1], supported=True)]
        >>> [s.reason for s in drop_superseded("How many people died?", said, [source(1, 29), source(2, 31)])]
        [None, 'a later report, [2] of 2022-07-31, gives another figure']
    """
    sentences = _drop_former_holders(question, sentences, sources)
    if asked_type(question) != "how many":
        return sentences
    dates = {source.marker: when for source in sources if (when := source.hit.article.published_at) is not None}
    # Each supported sentence that gives a figure: its latest cited report (marker and day) and its figures.
    figured = [(s, max(dated, key=dates.__getitem__), found)
               for s in ([lead] if lead else []) + sentences
               if s.supported and (dated := [m for m in s.markers if m in dates])
               and (found := counts(s.text, question))]
    kept = []
    for sentence in sentences:
        mine = next(((dates[m], found) for s, m, found in figured if s is sentence), None)
        later = None if mine is None else next(
            (m for _, m, found in figured if dates[m] > mine[0] and not found & mine[1]), None)
        if later is None:
            kept.append(sentence)
            continue
        why = f"a later report, [{later}] of {dates[later]:%Y-%m-%d}, gives another figure"
        kept.append(sentence.model_copy(update={"supported": False, "reason": why}))
    return kept


def _drop_former_holders(question: str, sentences: list[AnswerSentence], sources: list[Evidence]
                         ) -> list[AnswerSentence]:
    """``sentences`` with each supported one that gives the office ``question`` asks the holder of to a name a shown
    report of its day or later says has left it (:func:`qa.answering.offices.office_left`) marked unsupported. Asked
    on 25 July "Who is the president of Sri Lanka?", the 0.5B's "… is Gotabaya Rajapaksa" rested on a report of 14
    July calling him president, beside one of 15 July saying he had resigned."""
    dates = {source.marker: when for source in sources if (when := source.hit.article.published_at) is not None}
    kept = []
    for sentence in sentences:
        cited = [dates[m] for m in sentence.markers if m in dates]
        left = None if not sentence.supported or not cited else next(
            (source for source in sources if dates.get(source.marker, min(cited)) >= min(cited)
             and any(office_left(question, sentence.text, shown.text) for shown in source.sentences)), None)
        if left is None:
            kept.append(sentence)
            continue
        why = (f"a report of its day or later, [{left.marker}] of {dates[left.marker]:%Y-%m-%d}, says the name has "
               "left the office" if left.marker in dates else f"[{left.marker}] says the name has left the office")
        kept.append(sentence.model_copy(update={"supported": False, "reason": why}))
    return kept
