"""Who succeeded whom: a claim that turns round the succession its passage tells.

Asked who replaced Liz Truss, before anyone had, the 0.5B wrote "Liz Truss was replaced as prime minister by Boris
Johnson", resting on "Liz Truss has become the United Kingdom's new prime minister, succeeding Boris Johnson": the
same two names and a verb of the same meaning, the other way round. Resemblance cannot tell the two apart; the parse
can, since it says who does the replacing and who is replaced, in the active and in the passive voice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from index.text import strip_markers
from qa.answering.grammar import agent_of, is_passive, name_of, parse, receiver_of, subject_of

if TYPE_CHECKING:
    from qa.answering.grammar import Token

# Verbs whose subject takes the place of their object: "Sunak replaced Truss", "Truss succeeded Johnson".
_SUCCEEDING = frozenset("replace succeed".split())
_NOUNS = frozenset("predecessor successor".split())


def reversed_succession(claim: str, sentence: str) -> str | None:
    """Why ``sentence`` tells the succession ``claim`` gives the other way round; None when it does not.

    Example:
        >>> src = "Liz Truss has become prime minister, succeeding Boris Johnson, who resigned in July."
        >>> reversed_succession("Liz Truss was replaced as prime minister by Boris Johnson [1].", src)
        'the passage says Liz Truss succeeded Boris Johnson, not the reverse'
        >>> reversed_succession("Liz Truss replaced Boris Johnson [1].", src) is None
        True
    """
    if pair := reversed_pair(successions(strip_markers(claim)), successions(sentence)):
        return f"the passage says {pair[0]} succeeded {pair[1]}, not the reverse"
    return None


def reversed_pair(claimed: list[tuple[str, str]], told: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The first of ``told``'s (first, second) pairs of names that is one of ``claimed`` turned round (names
    compared by their last word: "Truss" is "Liz Truss"); None if none is."""
    for first, second in claimed:
        for told_first, told_second in told:
            if _same(first, told_second) and _same(second, told_first):
                return told_first, told_second
    return None


def successions(text: str) -> list[tuple[str, str]]:
    """Each (successor, predecessor) pair of names ``text`` tells, by the verbs "replace" and "succeed" and the nouns
    "predecessor" and "successor".

    Example:
        >>> successions("Truss was replaced by Rishi Sunak."), successions("Sunak will succeed Truss.")
        ([('Rishi Sunak', 'Truss')], [('Sunak', 'Truss')])
        >>> successions("Truss took office as her predecessor Boris Johnson bowed out.")
        [('Truss', 'Boris Johnson')]
    """
    doc = parse(text)
    pairs = [pair for noun in doc if (pair := _by_noun(noun)) is not None]
    for verb in doc:
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in _SUCCEEDING:
            continue
        new = (agent_of(verb) or _by_whom(verb)) if is_passive(verb) else subject_of(verb)
        old = receiver_of(verb)
        if _named(new) and _named(old):
            pairs.append((name_of(new), name_of(old)))
    return pairs


def _by_noun(noun: Token) -> tuple[str, str] | None:
    # "her predecessor Boris Johnson", "Truss's predecessor, Johnson", "Sunak, the successor of Truss": the one the
    # noun names and the one whose predecessor or successor that is (a pronoun read as the sentence's subject).
    word = noun.lemma_.lower()
    if word not in _NOUNS:
        return None
    named = noun.head if noun.dep_ in ("compound", "appos") else next(
        (c for c in noun.children if c.dep_ == "appos"), None)
    holder = next((c for c in noun.children if c.dep_ == "poss"), None) or next(
        (g for c in noun.children if c.lower_ == "of" for g in c.children if g.dep_ == "pobj"), None)
    if holder is not None and holder.pos_ == "PRON":
        holder = subject_of(next(t for t in noun.doc if t.dep_ == "ROOT"))
    if not (_named(named) and _named(holder)):
        return None
    named_as = " ".join(w for w in name_of(named).split() if w != noun.text)  # not "predecessor Boris Johnson"
    return (name_of(holder), named_as) if word == "predecessor" else (named_as, name_of(holder))


def _by_whom(verb: Token) -> Token | None:
    # The small parser hangs "by Boris Johnson" on a nearer noun in "was replaced as prime minister by Boris Johnson".
    return next((g for w in verb.subtree if w.lower_ == "by" for g in w.children if g.dep_ == "pobj"), None)


def _named(token: Token | None) -> bool:
    # The small parser tags some names as nouns ("Sunak will succeed Truss"), so a capital counts; "He" does not.
    return token is not None and token.pos_ in ("PROPN", "NOUN") and token.text[:1].isupper()


def _same(one: str, other: str) -> bool:
    # "Truss" is "Liz Truss": names compared by their last word.
    return one.split()[-1].lower() == other.split()[-1].lower()
