"""The claims of a model's answer: its sentences as :mod:`qa.answering.support` checks them, each without an
opening about the prompt ("According to the news excerpt, …")."""

from __future__ import annotations

import re

from index.text import content_words, split_answer, strip_markers

# How small models open a sentence about the prompt rather than the news: "According to the news excerpt,",
# "Based on the information provided in the excerpts,", "The excerpt states that". It is no claim, and its words
# (none of them in the source) would count against the sentence's share of the source's words. "Sources say" and
# "according to sources" are left alone: in news they attribute a claim.
_PREAMBLE = re.compile(
    r"^\s*(?:(?:according to|based on|as (?:stated|mentioned|reported) in|from|in) (?:the )?"
    r"(?:information (?:provided |given )?in (?:the )?)?(?:news )?(?:excerpts?|passages?|articles?)"
    r"(?:\s*\[\d+(?:\s*,\s*\d+)*\])*\s*,\s*"
    r"|(?:the )?(?:news )?(?:excerpts?|passages?|articles?)(?:\s*\[\d+(?:\s*,\s*\d+)*\])*\s+"
    r"(?:states?|says?|mentions?|reports?|indicates?|notes?|shows?)(?:\s+that\b|\s*:)\s*)",
    re.IGNORECASE,
)


def without_preamble(sentence: str) -> str:
    """``sentence`` without an opening about the excerpts ("According to the news excerpt, …"), capitalised.

    Example:
        >>> without_preamble("According to the news excerpt [2], Colombia elected a leftist.")
        'Colombia elected a leftist.'
        >>> without_preamble("The excerpt states that rents were capped [1].")
        'Rents were capped [1].'
        >>> without_preamble("According to the police, two died [1].")
        'According to the police, two died [1].'
    """
    rest = _PREAMBLE.sub("", sentence, count=1)
    if rest == sentence or not content_words(strip_markers(rest)):
        return sentence
    return rest[:1].upper() + rest[1:]


def answer_sentences(text: str) -> list[str]:
    """Split an answer into the sentences to check: :func:`index.text.split_answer`, with a piece that has no
    content words ("It was.") joined to the sentence before it, and each without an opening about the excerpts
    (:func:`without_preamble`).

    Example:
        >>> answer_sentences("Prices rose. [1] Sales fell [2]. Rents eased.")
        ['Prices rose. [1]', 'Sales fell [2].', 'Rents eased.']
        >>> answer_sentences("Nichelle Nichols portrayed Lt. Uhura [3].")
        ['Nichelle Nichols portrayed Lt. Uhura [3].']
    """
    merged: list[str] = []
    for piece in map(without_preamble, split_answer(text)):
        if merged and not content_words(strip_markers(piece)):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged
