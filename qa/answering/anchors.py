"""The names a question is about, and whether a source names any of them.

"Which major holiday did India celebrate this week?" is about India: a story that never names India (a digest's item
on the national holiday the Taliban declared in Kabul) cannot answer it, however closely the answer's sentence
matches the story's. A question names what it is about with capitalised words; a source may name it in another form
(a plural, a possessive, "the UK" for "the United Kingdom"), and may leave some of several names out, so one of the
question's names, in any of these forms, is enough (a word naming a kind of event, "Finals", only when the question
names nothing else); but where the question says what it is about ("What did the Supreme Court decide about the
EPA?"), the source must name that. Two kinds of name anchor nothing: one with a number ("Covid-19": sources write
"COVID" or "the coronavirus", as the number guard of :mod:`qa.answering.support` also allows), and a country's short
form ("Where in the US …?"), since national news leaves its own country unsaid ("In New Jersey, it's been illegal
…"). A first name written only before another name is someone else's ("Ron Johnson" for "Ron DeSantis"). Nor
can a source that tells of another US state than the question's, whatever other names they share, nor one that never
holds the words the question quotes ("Which ruling did Biden describe as “another devastating decision”?").
"""

from __future__ import annotations

import re

from index.text import STOPWORDS, asking_sentence, word_stems
from qa.answering.answer_type import CALENDAR, SHORT_FORMS, bare, spelled_out
from qa.answering.names import TITLE_WORDS, another_state, states_in

# A capitalised word that does not open its sentence or clause: a name ("India", "Emmys", "AirlineRankings").
_NAME = re.compile(r"(?<!^)(?<![.!?:;]\s)\b[A-Z][\w'’\-]*")
_WORD = re.compile(r"[\w\-]+")
# A capitalised word and the capitalised word after it: "Ron DeSantis", read one pair at a time ("Ketanji Brown",
# "Brown Jackson").
_NAME_WORD = r"[A-Z][\w'’\-]*"
_NAME_PAIR = re.compile(rf"\b([A-Z][a-z]+)\s+(?=({_NAME_WORD}))")
_NAME_WORDS = re.compile(_NAME_WORD).findall
_DIGIT = re.compile(r"\d")
# What a question asks about, when it says so: "… about the EPA?", "… about Pelosi's visit to Taiwan?"
_ABOUT = re.compile(r"\babout\s+(?:(?:the|a|an)\s+)?((?:[A-Z][\w'’\-]*\s+)*[A-Z][\w'’\-]*)")
# Words that name a kind of event in many names ("the NBA Finals", "the Stanley Cup Final", "the US Open").
_EVENT_WORDS = frozenset("final finals open cup games game award awards prize trophy championship championships "
                         "tournament series bowl classic grand prix".split())
# Words a question quotes: “another devastating decision”, "initiated a formal process", “House of the Dragon”.
_QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]")
# The share of a quoted phrase's content words a source must hold: a report quotes the words as they were said, and
# may break them up ("the decision, which he called devastating").
_QUOTE_SHARE = 2 / 3
_QUESTION_WORDS = frozenset("who whom whose what which when where why how".split())


def asked_names(question: str) -> set[str]:
    """The names ``question`` is about, lower-cased in their plain form: not weekdays, months, names with a number or
    a country's short form.

    Example:
        >>> sorted(asked_names("Which major holiday did India celebrate this week?"))
        ['india']
        >>> sorted(asked_names("The nominees for the 2022 Primetime Emmys were announced. Which show led?"))
        ['emmy', 'primetime']
        >>> asked_names("Which country declared victory over Covid-19?"), asked_names("Where in the US?")
        (set(), set())
    """
    names = {_plain(w) for w in _NAME.findall(question) if not _DIGIT.search(w) and not _country_short_form(w)}
    return {n for n in names if n and n not in STOPWORDS and n not in _QUESTION_WORDS and n not in CALENDAR}


def unnamed_subject(question: str, source_text: str) -> str | None:
    """Why ``source_text`` cannot answer ``question``: it names none of the names the question is about; None when
    it names one, or the question names nothing.

    Example:
        >>> taliban = "This week marks a year since the Taliban seized Kabul. The group declared a national holiday."
        >>> unnamed_subject("Which major holiday did India celebrate this week?", taliban)
        'its source never names India, which the question asks about'
        >>> unnamed_subject("Where did the United Kingdom's record heat hit 40.3C?", "The UK hit 40.3C in Coningsby.")
        >>> unnamed_subject("What did the Supreme Court decide about the EPA?", "The Supreme Court ended Roe.")
        'its source never names EPA, which the question asks about'
        >>> unnamed_subject("Which city did Zelensky visit?", "President Zelenskyy visited Izium.") is None
        True
    """
    names = _topic_names(question) or _distinctive(asked_names(question))
    if not names:
        return None
    held = {_plain(word) for word in _WORD.findall(f"{source_text} {spelled_out(source_text)}")}
    held -= _only_anothers(question, source_text)
    if names & held or any(_written_longer(name, word) for name in names for word in held):
        return _unquoted(question, source_text) or _another_state(question, source_text)
    shown = sorted({w for w in _NAME.findall(question) if _plain(w) in names})
    return f"its source never names {', '.join(shown)}, which the question asks about"


def _only_anothers(question: str, source_text: str) -> set[str]:
    """The first words of the question's names of two words or more ("Ron" of "Ron DeSantis") that ``source_text``
    writes only before another name ("Republican Sen. Ron Johnson is projected to win reelection"): they name
    someone else there. News is full of namesakes by first name (Joe Biden and Joe Manchin, Liz Truss and Liz Cheney).

    Example:
        >>> sorted(_only_anothers("Did Ron DeSantis win reelection?", "Sen. Ron Johnson is projected to win."))
        ['ron']
        >>> _only_anothers("Did Ron DeSantis win?", "Gov. Ron DeSantis won; Ron, 44, thanked voters.")
        set()
        >>> _only_anothers("Why did the FBI search Donald Trump's home?", "It searched Donald Trump’s resort.")
        set()
    """
    anothers = set()
    for first, rest in _first_names(question):
        after = re.findall(rf"\b{re.escape(first)}\b(?:\s+({_NAME_WORD}))?", source_text)
        if after and all(word and _plain(word) != _plain(rest) for word in after):
            anothers.add(_plain(first))
    return anothers


def _first_names(question: str) -> list[tuple[str, str]]:
    """Each capitalised word of ``question`` that a name follows, with that name's first word: a first name and the
    rest of the name, where the word is no title ("Justice Ketanji Brown Jackson" is not a Justice named Ketanji, and
    "Associate Justice Stephen Breyer" is no namesake of hers)."""
    return [(first, rest) for first, rest in _NAME_PAIR.findall(question) if first not in TITLE_WORDS]


def namesake(question: str, text: str) -> str | None:
    """The name ``text`` gives to someone who shares only a first name with one the question names ("Ron Johnson" for
    "Ron DeSantis"), when ``text`` never writes the question's person by the rest of the name. A quote about him
    answers nothing about the one asked, even where the sentence before it names the right one ("… Ron DeSantis
    cruised to victory … Republican Sen. Ron Johnson is projected to win reelection in Wisconsin").

    Example:
        >>> namesake("Did Ron DeSantis win reelection?", "Republican Sen. Ron Johnson is projected to win reelection.")
        'Ron Johnson'
        >>> namesake("Did Ron DeSantis win reelection?", "Ron DeSantis, unlike Ron Johnson, won easily.") is None
        True
    """
    anothers = _only_anothers(question, text)
    written = {_plain(word) for word in _NAME_WORDS(text)}
    for first, rest in _first_names(question):
        if _plain(first) in anothers and _plain(rest) not in written:
            found = re.search(rf"\b{re.escape(first)}\s+{_NAME_WORD}", text)
            return found.group(0) if found else None
    return None


def _unquoted(question: str, source_text: str) -> str | None:
    """Why ``source_text`` is not where the words ``question`` quotes were said: it holds less than two thirds of the
    content words of a phrase of two or more. A report of the overturning of Roe v. Wade that never says
    "devastating" does not tell which ruling Biden called "another devastating decision". None when it holds them.

    Example:
        >>> q = "Which Supreme Court ruling did President Joe Biden describe as “another devastating decision”?"
        >>> _unquoted(q, "Biden has been bracing for the Supreme Court's decision to overturn Roe v. Wade.")
        'its source never says “another devastating decision”, which the question quotes'
        >>> _unquoted(q, "Biden called the EPA ruling another devastating decision.") is None
        True
        >>> _unquoted("What is the name of the “modest” Windsor property?", "Adelaide Cottage, in Windsor") is None
        True
    """
    held = word_stems(source_text)
    for phrase in _QUOTED.findall(question):
        words = word_stems(phrase)
        if len(words) >= 2 and len(words & held) < _QUOTE_SHARE * len(words):
            return f"its source never says “{phrase.strip(' ,.')}”, which the question quotes"
    return None


def _another_state(question: str, source_text: str) -> str | None:
    """Why ``source_text`` tells of another US state than the one ``question`` names: it names another and never the
    question's. The question's other names do not make up for it, since states share the names of their bodies:
    Delaware's "Department of Natural Resources" named a catfish that was no answer to what "the Indiana Department
    of Natural Resources" pictured. A source that names no state may leave its own unsaid.

    Example:
        >>> q = "What creature is pictured, according to the Indiana Department of Natural Resources?"
        >>> _another_state(q, "A catfish threatens a popular Delaware pond, the Department of Natural Resources says.")
        'its source tells of Delaware, not Indiana, which the question asks about'
        >>> _another_state(q, "The Department of Natural Resources posted the photo."), _another_state(
        ...     q, "Indiana's DNR and Delaware's both posted it.")
        (None, None)
    """
    asked = states_in(question)
    # Asked of no state, names.another_state reads a question about the whole country, which a source's states
    # do not answer in the same way; only a question that names a state is tested here.
    told = another_state(question, source_text) if asked else None
    return f"its source tells of {told}, not {' or '.join(asked)}, which the question asks about" if told else None


def _written_longer(name: str, word: str) -> bool:
    """Whether ``word`` is ``name`` (of five letters or more) written with up to two more letters at its end: another
    spelling ("Zelenskyy" for "Zelensky", which once refused the city he visited) or the people of a country
    ("Russian" for "Russia")."""
    return len(name) >= 5 and word.startswith(name) and len(word) - len(name) <= 2


def _distinctive(names: set[str]) -> set[str]:
    """``names`` without the words that name a kind of event, unless nothing else is left: "Who won the NBA Finals?"
    is about the NBA, and a story on the Stanley Cup Final names a final too.

    Example:
        >>> sorted(_distinctive({"nba", "final"})), sorted(_distinctive({"final"}))
        (['nba'], ['final'])
    """
    return names - _EVENT_WORDS or names


def _topic_names(question: str) -> set[str]:
    """The names of what ``question`` asks about by saying "about": "What did the Supreme Court decide about the
    EPA?" is about the EPA, and a source on the court's other rulings names the court but does not answer it.

    Example:
        >>> sorted(_topic_names("What did the Supreme Court decide about the EPA?"))
        ['epa']
    """
    topic = _ABOUT.search(asking_sentence(question))
    return asked_names(f"On {topic.group(1)}") if topic else set()


def _country_short_form(word: str) -> bool:
    return any(pattern.fullmatch(word) for pattern, _ in SHORT_FORMS)


def _plain(word: str) -> str:
    """A word without its possessive and plural endings, lower-cased: "Emmys", "Britain's" -> "emmy", "britain"."""
    word = bare(word)
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) else word
