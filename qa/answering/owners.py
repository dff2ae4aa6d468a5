"""Whose thing a sentence tells of: "the US inflation rate" is not "Turkey's annual rate of inflation".

Asked "What is the US inflation rate?" the 0.5B wrote "The US inflation rate hit almost 80% in June", resting on
"Turkey's annual rate of inflation hit almost 80% in June". The two sentences have the same deed, the same number and
the same month, and a claim's country may go unsaid in national news, so no other test sees that the rate is another
country's. Here the thing a claim is about (its subject) is compared with the same thing in the passage: when both
say whose it is, by a name, and the passage names the claim's owner nowhere, it tells of another's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from index.text import strip_markers
from qa.answering.answer_type import bare, spelled_out
from qa.answering.grammar import parse

if TYPE_CHECKING:
    from qa.answering.grammar import Token

_OWNING = frozenset("poss compound".split())


def other_owner(claim: str, source_sentence: str) -> str | None:
    """Why ``source_sentence`` tells of another's thing than ``claim`` does: the claim says whose a thing is by a
    name ("the US inflation rate"), a subject of the passage is the same thing said to be another's by a name
    ("Turkey's annual rate of inflation"), and the passage names the claim's owner nowhere. None otherwise. A
    question may stand for the claim: the quote that leads its answer must not tell of another's thing either.

    Example:
        >>> turkey = "Turkey's annual rate of inflation hit almost 80% in June."
        >>> other_owner("The US inflation rate hit almost 80% in June [3].", turkey)
        'the passage says this of Turkey, not of US'
        >>> other_owner("What is the US inflation rate?", turkey)
        'the passage says this of Turkey, not of US'
        >>> other_owner("The US inflation rate is 9.1% [1].", "The United States' inflation rate hit 9.1%.") is None
        True
        >>> other_owner("The inflation rate hit 80% [3].", turkey) is None
        True
        >>> other_owner("The US rate hit 9.1% [1].", "The US rate hit 9.1%, while Turkey's rate hit 80%.") is None
        True
        >>> other_owner("The Supreme Court decided cases [1].", "The Court's term ended with Roe overturned.") is None
        True
    """
    # A thing named as a whole ("the Supreme Court") has no owner apart from its name: only common nouns count.
    owned = {token.lemma_: owners for token in parse(strip_markers(claim))
             if token.pos_ == "NOUN" and (owners := _owners(token))}
    if not owned:
        return None
    said = {bare(word) for word in f"{source_sentence} {spelled_out(source_sentence)}".replace("'", " ").split()}
    for token in parse(source_sentence):
        claimed = owned.get(token.lemma_) if token.dep_ in ("nsubj", "nsubjpass") and token.pos_ == "NOUN" else None
        if not claimed or any(bare(o) in said or set(spelled_out(o).split()) & said for o in claimed):
            continue
        if theirs := _owners(token):
            return f"the passage says this of {' '.join(theirs)}, not of {' '.join(claimed)}"
    return None


def _owners(noun: Token) -> list[str]:
    """The names ``noun`` is said to belong to, as words: "US" of "the US inflation rate", "Turkey" of "Turkey's
    annual rate" (with the names joined to them: "United States")."""
    owners = []
    for child in noun.children:
        if child.dep_ in _OWNING and child.pos_ == "PROPN":
            owners += [t.text for t in child.subtree if t.pos_ == "PROPN"]
    return owners
