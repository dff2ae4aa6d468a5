"""Metric functions, each on one question: pure, deterministic and model-free.

Retrieval metrics work on article ids ranked best first (passages are deduplicated to articles, keeping each
article's first rank); answer and citation metrics work on answer text with ``[n]`` markers.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import TypeVar

from index.text import MARKER, STOPWORDS, markers_in, split_answer, split_sentences, strip_markers

# Curly quotes and dashes that news copy uses and str.punctuation misses.
_EXTRA_PUNCT = "“”‘’«»„‟‛—–…·"
# "." is left to _STRAY_DOT: a decimal point joins a number ("61.5"), any other full stop is punctuation.
_PUNCT = str.maketrans({c: " " for c in (string.punctuation + _EXTRA_PUNCT).replace(".", "")})
_STRAY_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")
# A comma between digits with exactly three digits after it groups thousands ("10,000"); "1,5" or "3,14" is left.
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_ARTICLES = re.compile(r"\b(a|an|the)\b")
# The judge's words split at hyphens and apostrophes ("Biden's" counts as "Biden"), unlike index.text.content_words;
# a decimal point between digits joins a number into one word ("61.5"), as in normalize_answer: else "$5 million"
# would hold every word of "$61.5 million" ("61", "5", "million").
WORD = re.compile(r"[a-z0-9]+(?:(?<=\d)\.(?=\d)[a-z0-9]+)*")
SUPPORT_THRESHOLD = 0.5
T = TypeVar("T")


def dedupe(ids: Iterable[T]) -> list[T]:
    """Ids in first-seen order without repeats: passages to articles, each at its best rank.

    Example:
        >>> dedupe(["a", "b", "a", "c", "b"])
        ['a', 'b', 'c']
    """
    return list(dict.fromkeys(ids))


def hits_at_k(ranked: Sequence[str], gold: Collection[str], k: int) -> float:
    """1.0 if a gold article is among the first ``k`` articles, else 0.0.

    Example:
        >>> hits_at_k(["x", "g"], {"g"}, 1), hits_at_k(["x", "g"], {"g"}, 2)
        (0.0, 1.0)
    """
    return 1.0 if any(a in gold for a in ranked[:k]) else 0.0


def mrr_at_k(ranked: Sequence[str], gold: Collection[str], k: int = 10) -> float:
    """Reciprocal rank of the first gold article within the first ``k``, else 0.0.

    Example:
        >>> mrr_at_k(["x", "y", "g"], {"g"})
        0.3333333333333333
    """
    for rank, article in enumerate(ranked[:k], start=1):
        if article in gold:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked: Sequence[str], gold: Collection[str], k: int = 10) -> float:
    """Binary-relevance nDCG: DCG of the first ``k`` over the DCG of a perfect ranking of the gold articles.

    Example:
        >>> round(ndcg_at_k(["x", "g"], {"g"}), 4)
        0.6309
    """
    if not gold:
        return 0.0
    dcg = sum(1.0 / math.log2(rank + 1) for rank, a in enumerate(ranked[:k], start=1) if a in gold)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(gold), k) + 1))
    return dcg / ideal


def join_numbers(text: str) -> str:
    """Drop thousands commas between digits ("10,000" -> "10000"), so a number reads the same either way.

    Example:
        >>> join_numbers("10,000 people, 1,234,567 votes, 3,14 and 1,5")
        '10000 people, 1234567 votes, 3,14 and 1,5'
    """
    return _THOUSANDS.sub("", text)


def normalize_answer(text: str) -> str:
    """Lowercase, turn punctuation and quotes into spaces, drop a/an/the, collapse whitespace.

    Numbers stay whole: thousands commas are dropped and a decimal point between digits is kept, so "$5 million"
    is not found inside "$61.5 million" (which would otherwise read "61 5 million").

    Example:
        >>> normalize_answer("The “Squid Game”!")
        'squid game'
        >>> normalize_answer("U.S. GDP: $61.5 million, up 3.5%."), normalize_answer("10,000 (or 1,5)")
        ('u s gdp 61.5 million up 3.5', '10000 or 1 5')
    """
    text = join_numbers(text.lower()).translate(_PUNCT)
    text = _STRAY_DOT.sub(" ", text)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def contains_gold(answer: str, golds: Iterable[str]) -> bool:
    """Whether a normalised gold answer occurs in the normalised answer, on word boundaries.

    Example:
        >>> contains_gold("Netflix renewed “Squid Game” [1].", ["Squid Game"])
        True
        >>> contains_gold("It was in Asia.", ["Asian"])
        False
    """
    haystack = f" {normalize_answer(MARKER.sub(' ', answer))} "
    return any(needle and f" {needle} " in haystack for needle in (normalize_answer(g) for g in golds))


# Gold answers shorter than this (normalised) are not searched for in article text: "UK", "3" or "60" occur in
# countless articles that do not answer the question.
MIN_BEARING_CHARS = 4
# Gold answers that are verdicts or pointers to other choices, not facts an article states ("TRUE" for a
# true-or-false question, "All of the above"): an article holding the word says nothing about the question.
NOT_TEXT_ANSWERS = frozenset({"true", "false", "yes", "no", "all of above", "none of above", "both", "neither"})


def bearing_needles(golds: Iterable[str]) -> list[str]:
    """The normalised gold answers that answer-bearing metrics look for: those of 4+ characters that are not a
    verdict ("TRUE") or a pointer to the other choices ("All of the above"), each once.

    Example:
        >>> bearing_needles(["“Squid Game”", "UK", "38%", "squid game", "TRUE", "All of the above"])
        ['squid game']
    """
    needles = dict.fromkeys(normalize_answer(g) for g in golds)
    return [n for n in needles if len(n) >= MIN_BEARING_CHARS and n not in NOT_TEXT_ANSWERS]


def bears_answer(normalized_text: str | None, needles: Iterable[str]) -> bool:
    """Whether a normalised article text holds one of ``needles`` (from :func:`bearing_needles`) as whole words.

    Example:
        >>> bears_answer(normalize_answer("Netflix renewed “Squid Game's” run."), ["squid game"])
        True
        >>> bears_answer("squid games", ["squid game"]), bears_answer(None, ["squid game"])
        (False, False)
    """
    if not normalized_text:
        return False
    haystack = f" {normalized_text} "
    return any(f" {n} " in haystack for n in needles)


def answer_bearing_at_k(
    ranked: Sequence[str], texts: Callable[[str], str | None], needles: Sequence[str], k: int
) -> float | None:
    """1.0 if one of the first ``k`` articles holds a gold answer's text (:func:`bears_answer`), else 0.0; None when
    the question has no gold answer long enough to search for.

    Args:
        ranked: article ids, best first, duplicates canonicalised as for :func:`hits_at_k`.
        texts: article id to its normalised text (None for an article not in the file).
        needles: :func:`bearing_needles` of the gold answers.
        k: how many articles to look at.

    Example:
        >>> texts = {"x": "oil fell", "g": "netflix renewed squid game"}.get
        >>> [answer_bearing_at_k(["x", "g"], texts, ["squid game"], k) for k in (1, 2)]
        [0.0, 1.0]
        >>> answer_bearing_at_k(["g"], texts, [], 1) is None
        True
    """
    if not needles:
        return None
    return 1.0 if any(bears_answer(texts(a), needles) for a in ranked[:k]) else 0.0


LETTERS = "ABCDEFGHIJ"


def parse_choice(reply: str, choices: Sequence[str]) -> int | None:
    """The choice a model picked, from a reply like ``B``, ``(B)``, ``B. Europe``, ``The answer is B`` or the
    choice's text; None when it cannot be told.

    Example:
        >>> choices = ["Europe", "North America", "Asia", "Africa"]
        >>> [parse_choice(r, choices) for r in ["C", "(b)", "Answer: D.", "**A**", "I think Asia.", "A new law"]]
        [2, 1, 3, 0, 2, None]
        >>> parse_choice("The answer is a new law", choices) is None
        True
    """
    letters = LETTERS[: len(choices)]
    if not letters:
        return None
    both = letters + letters.lower()
    text = reply.strip().replace("*", "")
    patterns = (
        rf"^\W*([{both}])\W*$",  # just the letter
        rf"^\W*\(?([{both}])\s*[).:\]]",  # "B." "B)" "(B)" "B:"
        rf"(?i:answer|choice|option)\s*(?i:is|would be|:)?\s*:?\s*\(?([{letters}])\)?(?:\W|$)",
        rf"\(([{both}])\)",  # "(c)" anywhere
    )
    for pattern in patterns:
        match = re.search(pattern, text)
        if match:
            return letters.index(match.group(1).upper())
    named = match_choice_text(text, choices)
    if named is not None:
        return named
    # Last resort: one capital letter standing alone, unless it is the article "A" opening a phrase.
    alone = {m.group(1) for m in re.finditer(rf"(?<![\w'])([{letters}])(?![\w'])(?!\s+[a-z])", text)}
    if len(alone) == 1:
        return letters.index(alone.pop())
    return None


def match_choice_text(reply: str, choices: Sequence[str]) -> int | None:
    """The one choice whose normalised text occurs in the reply (on word boundaries); None if none or several.

    Example:
        >>> match_choice_text("The Philippines, on Wednesday.", ["Norway", "Philippines"])
        1
        >>> match_choice_text("Norway or the Philippines", ["Norway", "Philippines"]) is None
        True
    """
    normalised = f" {normalize_answer(reply)} "
    named = [i for i, c in enumerate(choices) if normalize_answer(c) and f" {normalize_answer(c)} " in normalised]
    if len(named) > 1:
        # "Southeast Asia" also contains the choice "Asia": a choice inside another matched one does not count.
        longest = [i for i in named if not any(i != j and normalize_answer(choices[i]) in normalize_answer(choices[j])
                                               for j in named)]
        named = longest
    return named[0] if len(named) == 1 else None


def answer_sentences(text: str) -> list[str]:
    """Sentences of an answer (:func:`index.text.split_answer`); markers written after the full stop
    (``… May. [2]``) stay with their sentence, and a leading piece of markers alone is not a sentence.

    Example:
        >>> answer_sentences("Oil rose [1]. It fell. [2] Then what?")
        ['Oil rose [1].', 'It fell. [2]', 'Then what?']
        >>> answer_sentences("Gen. Milley spoke in the U.S. Senate [1]. Nobody asked.")
        ['Gen. Milley spoke in the U.S. Senate [1].', 'Nobody asked.']
    """
    return [s for s in split_answer(text) if strip_markers(s).strip(" .!?")]


def citation_coverage(answer: str) -> float | None:
    """Share of the answer's sentences that carry at least one ``[n]`` marker; None for an empty answer.

    Example:
        >>> citation_coverage("Oil rose [1]. Nobody knows why.")
        0.5
    """
    sentences = answer_sentences(answer)
    if not sentences:
        return None
    return sum(1 for s in sentences if markers_in(s)) / len(sentences)


def judge_words(text: str) -> set[str]:
    """The words the judge compares: lowercased words and numbers, split at hyphens and apostrophes, without
    stop words (:data:`index.text.STOPWORDS`), markers and one-letter tokens.

    Example:
        >>> sorted(judge_words("The EU said it will require USB-C [1]."))
        ['eu', 'require', 'usb']
        >>> sorted(judge_words("$61.5 million for 10,000 cars"))
        ['10000', '61.5', 'cars', 'million']
    """
    words = WORD.findall(join_numbers(MARKER.sub(" ", text).lower()))
    return {w for w in words if (len(w) > 1 or w.isdigit()) and w not in STOPWORDS}


def support_score(sentence: str, passage: str) -> float | None:
    """Max over the passage's sentences of the share of the sentence's content words they contain.

    Returns None when the sentence has no content words (nothing to support).

    Example:
        >>> support_score("Europe will require USB-C [1].", "Regulators met. Europe will require a USB-C port.")
        1.0
    """
    words = judge_words(sentence)
    if not words:
        return None
    parts = [s.text for s in split_sentences(passage)] or [passage]
    return max(len(words & judge_words(p)) / len(words) for p in parts)


def citation_support(answer: str, passages: Mapping[int, str], threshold: float = SUPPORT_THRESHOLD) -> list[bool]:
    """For each (sentence, marker) pair of the answer, whether the cited passage supports the sentence.

    A citation is supported when :func:`support_score` of its sentence against the cited passage is at least
    ``threshold``; a marker naming no passage is unsupported; sentences without content words are skipped.

    Example:
        >>> citation_support("Europe will require USB-C [1]. Cats fly [2]. Odd [9].",
        ...                  {1: "Europe will require USB-C ports.", 2: "Dogs bark."})
        [True, False, False]
    """
    verdicts: list[bool] = []
    for sentence in answer_sentences(answer):
        for marker in markers_in(sentence):
            if marker not in passages:
                verdicts.append(False)
                continue
            score = support_score(sentence, passages[marker])
            if score is not None:
                verdicts.append(score >= threshold)
    return verdicts


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) by linear interpolation between closest ranks; None for no values.

    Example:
        >>> percentile([1.0, 2.0, 3.0, 4.0], 50), percentile([5.0], 95)
        (2.5, 5.0)
    """
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def mean(values: Iterable[float | bool | None]) -> float | None:
    """Mean of the non-None values, None when there are none.

    Example:
        >>> mean([1.0, None, 0.0, True])
        0.6666666666666666
    """
    kept = [float(v) for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None
