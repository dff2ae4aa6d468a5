"""Whether a source names what a claim or a question names: the names of a sentence, and a name looked for as a word.

A claim's names must be in the source that supports it (:mod:`qa.answering.support`), and looked for as words: the
letters "us" are in "because" and in "USA Today", a source's own header, and name no country. A sentence about the
whole world names no place either: "cases have surpassed 26,800 worldwide" says nothing of the US, however often
the article around it does.
"""

from __future__ import annotations

import re

# A capitalised word that does not open a sentence: a name, as far as words can tell.
NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z'’\-]+")
# Capitalised words that are no names when they open a clause.
NAME_STOP = frozenset("The A An In On At For And But It This That These Those He She They We I His Her Its Their "
                      "Our Your According".split())
# Other ways a text writes a country's short form. "America" and "Americans" are left out: they too often come with
# a figure for something else ("Americans faced record gas prices … electricity rose 13.7%").
_WRITTEN_AS = {"US": ("u.s.", "united states"), "UK": ("u.k.", "united kingdom", "britain"),
               "EU": ("e.u.", "european union"), "UN": ("u.n.", "united nations")}
_WORLDWIDE = re.compile(r"\b(?:worldwide|world-wide|globally|(?:around|across) the (?:world|globe))\b", re.IGNORECASE)


def said_of_the_world(sentence: str, statement: str, *, even_if_worldwide: bool = False) -> list[str]:
    """The names ``statement`` (a claim, or a question) is about that ``sentence`` says nothing of because it speaks of
    the whole world; empty unless ``sentence`` is worldwide and, unless ``even_if_worldwide``, ``statement`` is not
    (a question about the world is answered by a world figure; a claim that names a place is not supported by one
    however much it says "worldwide" too).

    Example:
        >>> said_of_the_world("Cases have surpassed 26,800 worldwide.", "There are 26,800 cases in the US.")
        ['US']
        >>> said_of_the_world("Cases have surpassed 26,800 worldwide.", "Cases passed 26,800 around the world.")
        []
        >>> said_of_the_world("Cases have surpassed 26,800 worldwide.", "The US has 26,800 cases worldwide.",
        ...                   even_if_worldwide=True)
        ['US']
    """
    if not _WORLDWIDE.search(sentence) or (_WORLDWIDE.search(statement) and not even_if_worldwide):
        return []
    return sorted({n for n in NAME.findall(statement) if n not in NAME_STOP and not names_in(sentence, n)})


def names_in(text: str, name: str) -> bool:
    """Whether ``text`` names ``name`` (a capitalised word of a claim): as a word of its own, or for a name of four
    or more letters as the start of one ("Russia" in "Russian"); a possessive counts as the name. A short capitals
    name must be written so ("US", not the pronoun "us") or in one of its other forms ("U.S.", "the United States").

    Example:
        >>> names_in("USA Today: cases surpassed 26,800 because of travel.", "US")
        False
        >>> names_in("The U.S. reported 10,000 cases.", "US"), names_in("Russian troops advanced.", "Russia's")
        (True, True)
    """
    plain = re.sub(r"['’]s$", "", name)
    if plain.isupper() and len(plain) <= 3:
        if re.search(rf"(?<!\w){re.escape(plain)}(?!\w)", text):
            return True
        lower = text.lower()
        return any(re.search(rf"(?<!\w){re.escape(form)}", lower) for form in _WRITTEN_AS.get(plain, ()))
    end = "" if len(plain) >= 4 else r"(?!\w)"
    return re.search(rf"(?<!\w){re.escape(plain.lower())}{end}", text.lower()) is not None
