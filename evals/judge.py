"""The answer judge: whether a free-text answer gives the gold answer, tolerating paraphrase; and echoes.

An answer is correct when it is not an abstention and either contains a gold answer (normalised, whole words, as
:func:`evals.metrics.contains_gold`) or holds most (:data:`CONTENT_SHARE`, 3/4) of a gold answer's content words, so
"Rishi Sunak and Liz Truss" is right for "Liz Truss and Rishi Sunak". For a multiple-choice question, an answer that
names a wrong choice by its distinctive words, and not the right one, is wrong whatever it shares with the gold.

Model-free and deterministic. Its agreement with hand labels of real answers is measured by
``python -m evals.calibrate judge`` (see docs/eval/judge-calibration/README.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from evals.metrics import WORD, contains_gold, join_numbers, match_choice_text
from index.text import MARKER, STOPWORDS

# Share of a gold answer's content words an answer must hold: 3 of 4 ("Liza Truss and Rishi Sunak" passes for "Liz
# Truss and Rishi Sunak"), all of 2 or 3. Calibrated on docs/eval/judge-calibration/labels.jsonl: 2/3 also passed half
# answers ("New Jersey" for "New Jersey & Oregon", "6 months" for "6 months to 6 years"), 56/60 against 58/60.
CONTENT_SHARE = 0.75
# Share of a choice's distinctive words that names it ("Sunak" names "Rishi Sunak").
NAMES_SHARE = 0.5
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$")  # "the 118th sighting" gives 118
_NUMBERS = {
    w: str(n) for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
} | {w: str(10 * n) for n, w in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), start=3)}


def _singular(word: str) -> str:
    # Cheap plural folding, applied to both sides alike, so "Paris" -> "pari" does no harm.
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def judge_terms(text: str) -> set[str]:
    """The words the judge compares: lowercased, split at punctuation, quotes, hyphens and apostrophes, number words
    as digits (up to ninety), ordinals as numbers, a plural ``s`` dropped, numbers whole (``61.5``, ``10,000`` as
    ``10000``); without stop words, ``[n]`` markers and one-letter words (single digits are kept: "3" is an answer).

    Example:
        >>> sorted(judge_terms("The “Three Lions” won twice [1], 3-1, in the 21st minute."))
        ['1', '21', '3', 'lion', 'minute', 'twice', 'won']
        >>> sorted(judge_terms("U.S. sales: $61.5 million, 10,000 cars.")), sorted(judge_terms("$5 million"))
        (['10000', '61.5', 'car', 'million', 'sale'], ['5', 'million'])
    """
    terms = set()
    for word in WORD.findall(join_numbers(MARKER.sub(" ", text).lower())):
        word = _NUMBERS.get(word, _ORDINAL.sub(r"\1", word))
        if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        terms.add(_singular(word))
    return terms


def _share(needed: set[str], have: set[str]) -> float:
    return len(needed & have) / len(needed) if needed else 0.0


def gives_gold(answer: str, golds: Iterable[str], question: str = "", share: float = CONTENT_SHARE) -> bool:
    """Whether the answer gives a gold answer: contains it, or holds ``share`` of its content words.

    Gold words the question already holds are left out of the count when others remain, since an answer that
    repeats the question holds them without answering ("Yellowstone National Park" for "Which national park…?"
    needs "Yellowstone").

    Example:
        >>> gives_gold("Rishi Sunak and Liz Truss [1].", ["Liz Truss and Rishi Sunak"])
        True
        >>> gives_gold("The national park was closed.", ["Yellowstone National Park"], "Which national park closed?")
        False
    """
    golds = [g for g in golds if g.strip()]
    if contains_gold(answer, golds):
        return True
    have, asked = judge_terms(answer), judge_terms(question)
    for gold in golds:
        needed = judge_terms(gold)
        needed = (needed - asked) or needed
        if needed and _share(needed, have) >= share:
            return True
    return False


def names_wrong_choice(answer: str, choices: Sequence[str], answer_index: int) -> bool:
    """Whether the answer names a wrong choice instead of the right one: its text matches a wrong choice's alone
    (:func:`evals.metrics.match_choice_text`), or it holds a wrong choice's distinctive words (those no other choice
    has) and not the right one's.

    Example:
        >>> choices = ["North Korea", "South Korea", "Japan"]
        >>> names_wrong_choice("South Korea did [1].", choices, 0), names_wrong_choice("North Korea.", choices, 0)
        (True, False)
        >>> names_wrong_choice("The Republic of Congo.", ["Democratic Republic of Congo", "Republic of Congo"], 0)
        True
    """
    matched = match_choice_text(answer, choices)
    if matched is not None:
        return matched != answer_index
    have = judge_terms(answer)
    terms = [judge_terms(c) for c in choices]

    def named(i: int) -> bool:
        others = set().union(*(t for j, t in enumerate(terms) if j != i))
        distinct = terms[i] - others
        return bool(distinct) and _share(distinct, have) >= NAMES_SHARE

    return not named(answer_index) and any(named(i) for i in range(len(choices)) if i != answer_index)


def judge_answer(
    answer: str | None, golds: Sequence[str], *, question: str = "", choices: Sequence[str] = (),
    answer_index: int | None = None, abstained: bool = False, share: float = CONTENT_SHARE,
) -> bool:
    """Whether an answer is correct: not an abstention, it gives a gold answer (:func:`gives_gold`), and, for a
    multiple-choice question, it does not name a wrong choice instead of the right one (:func:`names_wrong_choice`).

    Example:
        >>> choices = ["Liz Truss", "Rishi Sunak", "Penny Mordaunt"]
        >>> judge_answer("Foreign Secretary Truss, Liz to friends [1].", ["Liz Truss"], choices=choices, answer_index=0)
        True
        >>> judge_answer("The Republic of Congo [1].", ["Democratic Republic of Congo"],
        ...              choices=["Democratic Republic of Congo", "Republic of Congo"], answer_index=0)
        False
        >>> judge_answer("Liz Truss", ["Liz Truss"], abstained=True)
        False
    """
    if abstained or not answer or not answer.strip():
        return False
    if not gives_gold(answer, golds, question, share):
        return False
    if choices and answer_index is not None and 0 <= answer_index < len(choices):
        return not names_wrong_choice(answer, choices, answer_index)
    return True


def is_echo(answer: str, question: str) -> bool:
    """Whether an answer adds nothing to its question: none of its content words (markers stripped) is new.

    Example:
        >>> is_echo("The show that was green lit is a show [1].", "Which show was green lit?")
        True
        >>> is_echo("Squid Game was green lit [1].", "Which show was green lit?")
        False
    """
    return not judge_terms(answer) - judge_terms(question)


def agreement(labels: Sequence[dict[str, Any]], share: float = CONTENT_SHARE) -> tuple[float, list[dict[str, Any]]]:
    """The judge's agreement with hand labels, and the labels it disagrees with.

    Args:
        labels: rows with ``answer``, ``gold`` (list), ``label`` ("correct"/"wrong") and optionally ``question``,
            ``choices``, ``gold_choice``, ``abstained``.
        share: the content-word share to judge with.
    """
    disagreements = []
    for row in labels:
        verdict = judge_answer(
            row["answer"], row["gold"], question=row.get("question", ""), choices=row.get("choices") or (),
            answer_index=row.get("gold_choice"), abstained=bool(row.get("abstained")), share=share,
        )
        if verdict != (row["label"] == "correct"):
            disagreements.append(row | {"judge": "correct" if verdict else "wrong"})
    return (1 - len(disagreements) / len(labels) if labels else 0.0), disagreements
