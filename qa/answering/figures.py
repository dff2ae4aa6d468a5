"""The numbers a claim states, and which of them only restate how its question is framed.

A claim's numbers and weekdays must be in the passage that supports it (a figure the sources lack is the commonest
way a small model goes wrong), except those that frame the question rather than answer it: a name with a number
("Covid-19", "G7") and a year or decade ("2019", "the 1960s") that the question holds too. A day of a month is not
framing: "the three months ending June 30" is what tells the quarter asked about from the one before (dev, asked a
week early: "Netflix lost 200,000 subscribers in the three months ending June 30", from a story on the first
quarter).

And what the numbers say: a count of the things a question asks how many of must be the one the supporting sentence
gives (:func:`other_count`), and a date must be the event's, not only the day its report came out
(:func:`publication_day`).
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime

from index.text import MONTH_DAY, asking_sentence, month_day, stem
from qa.answering.grammar import parse

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WEEKDAY = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_HOW_MANY = re.compile(r"\bhow many ([a-z]+)", re.IGNORECASE)
_FRACTION = re.compile(r"\b(three[- ]quarters?|half|quarter|halves|quarters)\b", re.IGNORECASE)
_FRACTION_NAMES = {"three quarter": "three quarters", "half": "half", "halve": "half", "quarter": "quarter"}
_DECIMAL = re.compile(r"(?<![\d.])0?\.(50?|25|75)(?!\d)")
_DECIMAL_NAMES = {"5": "half", "50": "half", "25": "quarter", "75": "three quarters"}
# Verbs that count what someone has, not what is done: "Meta had 87,000 employees", "the firm employs 300 people".
# Not "be": "There were 8 people dead" counts the dead.
_HOLDING = frozenset("have employ number total hold include count".split())
_SMALL = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen twenty").split()
_TENS = {word: 10 * n for n, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_COUNT_WORDS = {word: n for n, word in enumerate(_SMALL)} | _TENS
_SAME_DAY = re.compile(r"\b(?:today|tonight|this (?:morning|afternoon|evening))\b", re.IGNORECASE)


def without_framing(claim: str, question: str) -> str:
    """``claim`` without the numbered terms that ``question`` holds too and that frame it: names with a number in
    them ("Covid-19", "G7", "F-35") and years and decades ("2019", "the 1960s"). A passage need not repeat them.

    Quantities and days stay ("86 extra lots", "40.3C", "June 30"): the passage must give them, since a passage that
    lacks the question's figure is often about another event (dev: the record 40.3C read off a story on an older
    record).

    Example:
        >>> without_framing("It hit 40.3C in 2022, a Covid-19 summer.", "Where was 40.3C recorded in 2022, Covid-19?")
        'It hit 40.3C in  , a   summer.'
    """
    for term in {t.strip(".,;:!?()\"'“”’") for t in re.findall(r"\S*\d\S*", question)}:
        if not re.match(r"[A-Za-z]|(?:19|20)\d\d(?:s|’s|'s)?$", term):
            continue
        claim = re.sub(rf"(?<![\w-]){re.escape(term)}(?![\w-])", " ", claim, flags=re.IGNORECASE)
    return claim


def numbers_in(text: str) -> set[str]:
    """Numbers as written, without thousands separators (and each run of digits alone: the parts of dates count as
    numbers too).

    Example:
        >>> sorted(numbers_in("1,200 came on 2022-07-04"))
        ['04', '07', '1', '1200', '200', '2022', '4', '7']
    """
    found = set()
    for match in _NUMBER.findall(text):
        plain = match.replace(",", "")
        found.add(plain.rstrip("0").rstrip(".") if "." in plain else plain)
    for part in re.findall(r"\d+", text):
        found.add(part.lstrip("0") or "0")
    return found


def fractions_in(text: str) -> set[str]:
    """The fractions ``text`` gives, in words or figures, each by one name: a claim's "a half percentage point" must be
    its passage's, and "an increase of 0.75 percentage point" is three quarters.

    Example:
        >>> sorted(fractions_in("by a half percentage point")), sorted(fractions_in("an increase of 0.75 point"))
        (['half'], ['three quarters'])
    """
    found = {_FRACTION_NAMES[m.group(1).lower().replace("-", " ").removesuffix("s")] for m in _FRACTION.finditer(text)}
    return found | {_DECIMAL_NAMES[m.group(1)] for m in _DECIMAL.finditer(text)}


def weekdays_in(text: str) -> set[str]:
    """The days of the week ``text`` names: a claim's "on Thursday" must be its passage's, not "on Friday" (asked as
    a new user, the 0.5B moved the Dobbs ruling to the day before).

    Example:
        >>> sorted(weekdays_in("Overturned on Friday, after Thursday's ruling on guns."))
        ['Friday', 'Thursday']
    """
    return set(_WEEKDAY.findall(text))


def other_count(question: str, claim: str, sentence: str) -> str | None:
    """Why ``sentence`` does not support ``claim``'s answer to "how many": both count the things asked about, and
    with different numbers. None when they agree, when either gives no count of them, or when a count is not a
    plain number ("dozens", "1.2 million").

    The supporting sentence is what the reader is shown; a figure found only in its neighbours is not what it says
    (asked how many died in the Highland Park shooting, the 0.5B wrote "5 people died", resting on "a gunman killed
    at least six people": the five were a part, given in another sentence).

    Example:
        >>> q = "How many people died in the Highland Park shooting?"
        >>> other_count(q, "5 people died in the shooting [2].", "A gunman killed at least six people on Monday.")
        'the passage counts six people, not 5'
        >>> other_count(q, "Six people died [2].", "A gunman killed at least 6 people on Monday.") is None
        True
        >>> other_count(q, "5 people died [2].", "Dozens of people were hurt.") is None
        True
    """
    asked = _HOW_MANY.search(asking_sentence(question))
    if asked is None:
        return None
    things = stem(asked.group(1).lower())
    claimed, counted = _counts(claim, things), _counts(sentence, things)
    if not claimed or not counted or None in claimed | counted or claimed & counted:
        return None
    said = next(w.text for t in parse(sentence) if stem(t.lower_) == things
                for w in t.children if w.dep_ == "nummod")
    return f"the passage counts {said} {asked.group(1)}, not {', '.join(sorted(str(n) for n in claimed))}"


def count_of_another_deed(question: str, claim: str, passage: str) -> str | None:
    """Why ``passage`` (the supporting sentence with those shown around it) does not give ``claim``'s count as the
    answer to "how many": it counts the things asked about twice, once with the question's deed, and the claim takes
    the other count. Asked how many died in Pakistan's
    floods, the 0.5B wrote "Pakistan has died 33 million people in the floods", resting on "More than 1,100 people
    have died and 33 million people are impacted". None when the passage gives no count with the question's deed
    (it may word the deed otherwise: "a gunman killed six people" for "how many died"), or the claim's is that one.

    Example:
        >>> q = "How many people have died in the Pakistan floods?"
        >>> floods = "More than 1,100 people have died and 33 million people are impacted."
        >>> count_of_another_deed(q, "33 million people have died in the floods [2].", floods)
        'the passage counts 33 million people as impacted, not as died'
        >>> count_of_another_deed(q, "More than 1,100 people have died [2].", floods) is None
        True
    """
    asked = _HOW_MANY.search(asking_sentence(question))
    if asked is None:
        return None
    deeds = {t.lemma_.lower() for t in parse(asking_sentence(question)) if t.pos_ == "VERB"} - _HOLDING
    things = stem(asked.group(1).lower())
    counts = [(number, token.head) for token in parse(passage) if stem(token.lower_) == things
              for number in token.children if number.dep_ == "nummod"]
    if not any(verb.lemma_.lower() in deeds for _, verb in counts):
        return None
    claimed = numbers_in(without_framing(claim, question))
    for number, verb in counts:
        phrase = " ".join(t.text for t in number.subtree)
        if verb.lemma_.lower() not in deeds and numbers_in(phrase) & claimed:
            own = [numbers_in(" ".join(t.text for t in n.subtree)) for n, v in counts if v.lemma_.lower() in deeds]
            if not any(found & claimed for found in own):
                done = next(t.text for t in parse(asking_sentence(question)) if t.lemma_.lower() in deeds)
                return f"the passage counts {phrase} {asked.group(1)} as {verb.text}, not as {done}"
    return None


def count_of_what_is_held(question: str, sentence: str) -> str | None:
    """Why ``sentence`` cannot give the count a "how many" ``question`` asks of a deed: it counts the things asked
    about as what someone has or employs, not as what the question's deed is done to. Asked how many employees Meta
    plans to lay off, the 0.5B wrote "Meta plans to lay off 87,000 employees", resting on "Meta had more than 87,000
    employees as of the end of September". None when the question asks what is held, or the sentence tells its deed.

    Example:
        >>> q = "How many employees does Meta plan to lay off?"
        >>> count_of_what_is_held(q, "Meta had more than 87,000 employees as of the end of September.")
        'the passage counts the employees there are, not those the question asks about'
        >>> count_of_what_is_held(q, "Meta will lay off 11,000 of its 87,000 employees.") is None
        True
    """
    asked = _HOW_MANY.search(asking_sentence(question))
    if asked is None:
        return None
    deeds = {t.lemma_.lower() for t in parse(asking_sentence(question)) if t.pos_ == "VERB"} - _HOLDING
    if not deeds:
        return None
    things = stem(asked.group(1).lower())
    doc = parse(sentence)
    if deeds & {t.lemma_.lower() for t in doc}:
        return None
    held = [t for t in doc if stem(t.lower_) == things and any(c.dep_ == "nummod" for c in t.children)
            and t.head.lemma_.lower() in _HOLDING]
    return f"the passage counts the {asked.group(1)} there are, not those the question asks about" if held else None


def _counts(text: str, things: str) -> set[int | None]:
    """The numbers ``text`` counts ``things`` (a stem) with: "at least six people" → {6}; None for a count that is
    no plain number ("dozens of people", "1.2 million people")."""
    counts: set[int | None] = set()
    for token in parse(text):
        if stem(token.lower_) != things:
            continue
        for number in (c for c in token.children if c.dep_ == "nummod"):
            word = number.lower_.replace(",", "")
            counts.add(int(word) if word.isdigit() else _COUNT_WORDS.get(word))
    return counts


def publication_day(claim: str, text: str, published: datetime | None) -> str | None:
    """Why ``text`` (a passage, with its header) does not support the date ``claim`` gives: the date is the day the
    passage was ``published``, and its words neither write it nor say the event fell that day ("today", or that
    day's weekday). The 0.5B, asked when Liz Cheney lost her primary, wrote "on August 17, 2022", the date of the
    report on Tuesday's (16 August) result. None otherwise (a date the passage does not hold at all is the number
    check's).

    Example:
        >>> out = datetime(2022, 8, 17)
        >>> publication_day("Cheney lost her primary on August 17, 2022 [2].", "Cheney lost on Tuesday.", out)
        'the passage does not say it was on August 17, the day it was published'
        >>> publication_day("Cheney lost on August 17 [2].", "Cheney lost on Wednesday.", out) is None
        True
        >>> publication_day("Cheney lost on Aug. 17 [2].", "The vote, held Aug. 17, was close.", out) is None
        True
    """
    if published is None:
        return None
    # Only a date on the day of publication is in question; the passage is read only for such a claim.
    claimed = [md for m in MONTH_DAY.finditer(claim) if (md := month_day(m)[:2]) == (published.month, published.day)]
    if not claimed:
        return None
    written = {month_day(m)[:2] for m in MONTH_DAY.finditer(text)}
    weekday = published.strftime("%A")
    for month, day in claimed:
        if (month, day) not in written and not (_SAME_DAY.search(text) or re.search(rf"\b{weekday}\b", text)):
            return f"the passage does not say it was on {calendar.month_name[month]} {day}, the day it was published"
    return None
