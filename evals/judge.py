"""The answer judge: whether a free-text answer gives the gold answer, tolerating paraphrase; and echoes.

An answer is correct when it is not an abstention and either contains a gold answer (normalised, whole words, as
:func:`evals.metrics.contains_gold`) or holds most (:data:`CONTENT_SHARE`, 3/4) of a gold answer's content words, so
"Rishi Sunak and Liz Truss" is right for "Liz Truss and Rishi Sunak". A gold's full name after a title, or before
the place after its comma, counts as the gold (:func:`gold_forms`); a long word may be misspelt; the gold's numbers
must all be there, as often. For a multiple-choice question, an answer that names a wrong choice by its distinctive
words, and not the right one, is wrong whatever it shares with the gold.

Model-free and deterministic. Its agreement with hand labels of real answers is measured by
``python -m evals.calibrate judge`` (see docs/eval/judge-calibration/README.md).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from difflib import SequenceMatcher
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
# A gold misspelt by its source still counts ("Rennaisance" for "Renaissance", 0.909): a word of at least this many
# letters matches an answer word with the same first letter, a length within one letter and at least this similarity
# (difflib's ratio). Other names stay apart: "Ireland" for "Iceland" (0.857), "Austria" for "Australia" (two letters
# shorter); short words and numbers must match exactly.
_SPELLING_MIN_LETTERS, _SPELLING_RATIO = 7, 0.9
# Words that open a gold as a person's title or office, not as the name asked for: "President Joe Biden", "UK Prime
# Minister Boris Johnson", "First lady Dr. Jill Biden", "Rep. Glenn Thompson". Readers take the name alone as right.
_TITLES = frozenset(
    "president minister chancellor premier secretary speaker leader lady dr doctor lt lieutenant sgt sergeant gen "
    "general col colonel capt captain rep representative sen senator gov governor mayor judge justice attorney "
    "prince princess king queen sir dame pope mr mrs ms".split()
)
# A title's short form is the title: "Lt. Nyota Uhura" gives "Lieutenant Uhura". Folded on both sides alike.
_SHORT_TITLES = {"lt": "lieutenant", "sgt": "sergeant", "gen": "general", "col": "colonel", "capt": "captain",
                 "rep": "representative", "sen": "senator", "gov": "governor", "dr": "doctor"}
_PARTICLES = frozenset({"of", "de", "da", "van", "von", "al", "bin", "la", "le"})
# A place or party after a comma qualifies the name before it ("Dallas, Texas", "Glenn Thompson, R-Pa."): capitalised
# words only, so a list ("Lemons, charcoal and seawater") is not one.
_QUALIFIED = re.compile(r"^(?P<head>.+?),\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*\.?$")
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


def _term_list(text: str) -> list[str]:
    """:func:`judge_terms` in order, with repeats."""
    terms = []
    for word in WORD.findall(join_numbers(MARKER.sub(" ", text).lower())):
        word = _SHORT_TITLES.get(word) or _NUMBERS.get(word, _ORDINAL.sub(r"\1", word))
        if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        terms.append(_singular(word))
    return terms


def judge_terms(text: str) -> set[str]:
    """The words the judge compares: lowercased, split at punctuation, quotes, hyphens and apostrophes, number words
    as digits (up to ninety), ordinals as numbers, a title's short form as the title ("Lt." as "lieutenant"), a
    plural ``s`` dropped, numbers whole (``61.5``, ``10,000`` as ``10000``); without stop words, ``[n]`` markers and
    one-letter words (single digits are kept: "3" is an answer).

    Example:
        >>> sorted(judge_terms("The “Three Lions” won twice [1], 3-1, in the 21st minute."))
        ['1', '21', '3', 'lion', 'minute', 'twice', 'won']
        >>> sorted(judge_terms("U.S. sales: $61.5 million, 10,000 cars.")), sorted(judge_terms("$5 million"))
        (['10000', '61.5', 'car', 'million', 'sale'], ['5', 'million'])
        >>> sorted(judge_terms("Lt. Nyota Uhura"))
        ['lieutenant', 'nyota', 'uhura']
    """
    return set(_term_list(text))


def _share(needed: set[str], have: set[str]) -> float:
    return len(needed & have) / len(needed) if needed else 0.0


def _spelt(word: str, have: set[str]) -> bool:
    """Whether ``have`` holds ``word``, or a spelling of it when it is a long word (:data:`_SPELLING_RATIO`)."""
    if word in have:
        return True
    if len(word) < _SPELLING_MIN_LETTERS or not word.isalpha():
        return False
    return any(
        w[:1] == word[:1] and abs(len(w) - len(word)) <= 1 and SequenceMatcher(None, word, w).ratio() >= _SPELLING_RATIO
        for w in have
    )


def _counts_numbers(gold: Counter[str], have: Counter[str]) -> bool:
    """Whether the answer's terms (``have``, counted) repeat each of the gold's numbers (``gold``, its terms counted)
    as often as the gold does: "6 months to 6 years" needs two 6s, so "6 months to 17 years" does not give it."""
    return all(have[t] >= n for t, n in gold.items() if t.replace(".", "").isdigit())


def gold_forms(gold: str) -> Iterator[str]:
    """The gold and the shorter forms a reader takes as the same answer: the name after a title ("Joe Biden" for
    "President Joe Biden", "Jill Biden" for "First lady Dr. Jill Biden") and a name without the place or party after
    its comma ("Dallas" for "Dallas, Texas").

    Example:
        >>> list(gold_forms("UK Prime Minister Boris Johnson")), list(gold_forms("Rep. Glenn Thompson, R-Pa."))
        (['UK Prime Minister Boris Johnson', 'Boris Johnson'], ['Rep. Glenn Thompson, R-Pa.', 'Glenn Thompson'])
        >>> list(gold_forms("Secretary of State Antony Blinken")), list(gold_forms("Dallas, Texas"))
        (['Secretary of State Antony Blinken', 'Antony Blinken'], ['Dallas, Texas', 'Dallas'])
        >>> list(gold_forms("Lemons, charcoal and seawater")), list(gold_forms("General Motors"))
        (['Lemons, charcoal and seawater'], ['General Motors'])
    """
    yield gold
    qualified = _QUALIFIED.match(gold)
    head = qualified.group("head") if qualified else gold
    words = head.split()
    # The name starts after the last title among the gold's opening capitalised words ("House Speaker Nancy Pelosi";
    # "First lady Dr."; an office "of" a place, "Secretary of State Antony Blinken", is all title).
    start, i = 0, 0
    while i < len(words) - 1:
        word = words[i]
        if word.rstrip(".").lower() in _TITLES:
            start = i + 1
        elif word == "of" and i == start > 0:
            start, i = i + 2, i + 1
        elif not (word[:1].isupper() or word == "lady"):
            break
        i += 1
    name = words[start:]
    # A full name only (two words or more, capitalised but for particles): "Motors" is not "General Motors".
    if 0 < start and len(name) >= 2 and all(w[:1].isupper() or w in _PARTICLES for w in name):
        yield " ".join(name)
    elif qualified:
        yield head


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
    golds = [form for g in golds if g.strip() for form in gold_forms(g)]
    if contains_gold(answer, golds):
        return True
    counted, asked = Counter(_term_list(answer)), judge_terms(question)
    have = set(counted)
    for gold in golds:
        gold_terms = Counter(_term_list(gold))
        needed = (set(gold_terms) - asked) or set(gold_terms)
        held = sum(_spelt(word, have) for word in needed)
        if needed and held / len(needed) >= share and _counts_numbers(gold_terms, counted):
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
