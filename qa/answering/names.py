"""Whether a source names what a claim or a question names: the names of a sentence, and a name looked for as a word.

A claim's names must be in the source that supports it (:mod:`qa.answering.support`), and looked for as words: the
letters "us" are in "because" and in "USA Today", a source's own header, and name no country. A sentence about the
whole world names no place either: "cases have surpassed 26,800 worldwide" says nothing of the US, however often
the article around it does.
"""

from __future__ import annotations

import re

from index.text import STOPWORDS
from qa.answering.grammar import parse

# A capitalised word that does not open a sentence: a name, as far as words can tell.
NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z'’\-]+")
# One word of a name; it may have capitals inside ("Ron DeSantis", "Lance McCullers", "LeBron James"), which once cut
# the name to "Ron De", a name no passage holds.
NAME_WORD = r"[A-Z][a-z]+(?:[A-Z][a-z]+)*"
# Capitalised words that are no names when they open a clause.
NAME_STOP = frozenset("The A An In On At For And But It This That These Those He She They We I His Her Its Their "
                      "Our Your According".split())
# Other ways a text writes a country's short form. "America" and "Americans" are left out: they too often come with
# a figure for something else ("Americans faced record gas prices … electricity rose 13.7%").
_WRITTEN_AS = {"US": ("u.s.", "united states"), "UK": ("u.k.", "united kingdom", "britain"),
               "EU": ("e.u.", "european union"), "UN": ("u.n.", "united nations")}
# Words written before a name without being part of it: titles, ranks and roles ("President Biden", "Mr Hunt").
TITLE_WORDS = frozenset("President Vice Senator Sen Representative Rep Governor Gov Mayor Prime Minister Secretary "
                        "Chancellor Speaker Leader Justice Judge Chief King Queen Prince Princess Pope Lord Lady Sir "
                        "Dame Mr Mrs Ms Dr General Former First Deputy Attorney Coach Captain Commissioner Ambassador"
                        .split())
# A question about the whole country, and a sentence that speaks of it: "the average price of gas in the US".
_NATIONWIDE = re.compile(r"\b(?:in|across|for) (?:the )?(?:US|U\.S\.|United States|America|country)\b|\bnationwide\b"
                         r"|\bnational(?:ly)?\b")
_ASKS_PLACE = re.compile(r"\bwhere\b|\bwhich\s+(?:[\w'’\-]+\s+)?(?:states?|city|cities|places?|region)\b",
                         re.IGNORECASE)
_NATIONAL = re.compile(r"\b(?:US|U\.S\.|United States|America(?:n|ns)?|nationwide|national(?:ly)?|country)\b",
                       re.IGNORECASE)
# The US states, a place of one kind that news names often and questions ask about by name ("Who won the Florida
# primary?"). Washington is left out: it is as often the capital, the government or a name.
_STATES = re.compile(r"\b(?:" + "|".join(sorted((
    "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia Hawaii Idaho Illinois "
    "Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota Mississippi Missouri "
    "Montana Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania Tennessee Texas Utah Vermont Virginia Wisconsin "
    "Wyoming").split() + ["New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota",
                         "Rhode Island", "South Carolina", "South Dakota", "West Virginia"], key=len, reverse=True))
    + r")\b")
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


def opening_name(claim: str, asked: set[str], source_text: str) -> str | None:
    """The claim's first word when it may be a name that ``asked`` (the question's words, lowercased) does not hold:
    a proper noun by the parse, or a capitalised word ``source_text`` never writes in any case. :data:`NAME` skips a
    sentence's first word, where every word is capitalised, so "Fenrir was named the world's oldest living dog" once
    named no one, and rested on a sentence about a chihuahua that never names Fenrir (the name came from a cat's story
    in another source). The parse cannot tell every name ("Fenrir" reads as a plural noun), hence the second test: a
    first word its passage lacks is a name the passage does not give, or a word it does not use.

    Example:
        >>> chihuahua = "The 21-year-old chihuahua has regained the title of the world's oldest living dog."
        >>> opening_name("Fenrir was named the world's oldest living dog.", {"which", "dog"}, chihuahua)
        'Fenrir'
        >>> opening_name("The chihuahua was named the oldest dog.", set(), chihuahua) is None
        True
        >>> opening_name("There are 26,800 cases worldwide.", set(), chihuahua) is None  # a function word
        True
    """
    first = next((token for token in parse(claim) if not token.is_punct), None)
    if (first is None or not first.text[:1].isupper() or first.text in NAME_STOP or first.text.lower() in STOPWORDS
            or first.text.lower() in asked):
        return None
    if first.pos_ == "PROPN" or not names_in(source_text, first.text):
        return first.text
    return None


def another_of_its_kind(full_name: str, text: str) -> str | None:
    """The name ``text`` writes where ``full_name`` (a claim's name of two or more words) would be: its last word after
    another name ("French Open" for "British Open", "Jill Biden" for "Joe Biden"), when ``text`` never writes
    ``full_name`` itself. None when it does, or names no other of its kind. A title before the last word
    ("President Biden") is no other name.

    Example:
        >>> another_of_its_kind("British Open", "Nadal battled foot pain to win his 14th French Open title.")
        'French Open'
        >>> another_of_its_kind("Bronny James", "LeBron James scored 30 points.")
        'LeBron James'
        >>> another_of_its_kind("Joe Biden", "President Biden signed the bill."), another_of_its_kind(
        ...     "Cameron Smith", "Smith won the Open at St Andrews.")
        (None, None)
    """
    words = full_name.split()
    if full_name.lower() in text.lower():
        return None
    for found in re.finditer(rf"\b({NAME_WORD})\s+{re.escape(words[-1])}\b", text):
        if found.group(1) not in words and found.group(1) not in NAME_STOP and found.group(1) not in TITLE_WORDS:
            return found.group(0)
    return None


def another_state(question: str, sentence: str) -> str | None:
    """A US state ``sentence`` names when ``question`` names another and ``sentence`` never names that one: "New
    York Rep. Sean Patrick Maloney narrowly prevailed in the Democratic primary" tells of another race than "Who won
    the Florida Democratic primary for governor?". None otherwise.

    Example:
        >>> q = "Who won the Florida Democratic primary for governor?"
        >>> another_state(q, "New York Rep. Sean Patrick Maloney narrowly prevailed in the Democratic primary.")
        'New York'
        >>> another_state(q, "Charlie Crist beat Nikki Fried in the Democratic primary."), another_state(
        ...     q, "Crist, a former Florida governor, won; New York also voted.")
        (None, None)
        >>> gas = "What is the average price of a gallon of gas in the US?"
        >>> another_state(gas, "Prices are inflated in states such as California, where the average is $5.37.")
        'California'
        >>> another_state(gas, "The national average fell to $3.99; California's is $5.37.") is None
        True
        >>> another_state("Where in the US is it illegal to pump your own gas?", "In New Jersey, it's illegal.") is None
        True
    """
    asked = set(states_in(question))
    named = _STATES.findall(sentence)
    if not asked:
        # Asked of the whole country ("the average price of gas in the US"), a state's figure is not the answer;
        # asked where in it, a state is.
        nationwide = _NATIONWIDE.search(question) and not _ASKS_PLACE.search(question)
        return named[0] if named and nationwide and not _NATIONAL.search(sentence) else None
    if asked & set(named):
        return None
    return named[0] if named else None


def states_in(text: str) -> list[str]:
    """The US states ``text`` names, each once, in the order it names them (not Washington, which is as often the
    capital).

    Example:
        >>> states_in("A catfish threatens a popular Delaware pond, and West Virginia's and Delaware's rivers.")
        ['Delaware', 'West Virginia']
    """
    return list(dict.fromkeys(_STATES.findall(text)))


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
