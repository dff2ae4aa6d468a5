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
…").
"""

from __future__ import annotations

import re

from index.text import STOPWORDS, asking_sentence
from qa.answering.answer_type import CALENDAR, SHORT_FORMS, bare, spelled_out

# A capitalised word that does not open its sentence or clause: a name ("India", "Emmys", "AirlineRankings").
_NAME = re.compile(r"(?<!^)(?<![.!?:;]\s)\b[A-Z][\w'’\-]*")
_WORD = re.compile(r"[\w\-]+")
_DIGIT = re.compile(r"\d")
# What a question asks about, when it says so: "… about the EPA?", "… about Pelosi's visit to Taiwan?"
_ABOUT = re.compile(r"\babout\s+(?:(?:the|a|an)\s+)?((?:[A-Z][\w'’\-]*\s+)*[A-Z][\w'’\-]*)")
# Words that name a kind of event in many names ("the NBA Finals", "the Stanley Cup Final", "the US Open").
_EVENT_WORDS = frozenset("final finals open cup games game award awards prize trophy championship championships "
                         "tournament series bowl classic grand prix".split())
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
    if names & held or any(_written_longer(name, word) for name in names for word in held):
        return None
    shown = sorted({w for w in _NAME.findall(question) if _plain(w) in names})
    return f"its source never names {', '.join(shown)}, which the question asks about"


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
