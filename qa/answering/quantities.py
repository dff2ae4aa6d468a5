"""What a figure answers: "how many X" is answered by a count of X, not of places, times, shares or multiples ("88
countries" for how many people were infected); "how much did inflation fall" by a share or points, not "20 cents a
barrel"; "what is the average price" by the price, not by how far it moved ("down more than $1 a gallon").

Whether an answer gives a number at all is :mod:`qa.answering.answer_type`, which asks here what kind of number.
"""

from __future__ import annotations

import re

from index.text import asking_sentence, stem

# A figure asked for by its name: "What is the US inflation rate?", "What is the average price of a gallon of gas?"
FIGURE_ASKED = re.compile(r"\bwhat (?:is|was|are|were) (?:the |a |an )?(?:[\w'’\-]+ ){0,4}?"
                          r"(rate|price|cost|toll|tally|total|population|temperature)s?"
                          r"(?=\s*(?:[?.]|$|of\b|in\b|for\b|at\b|on\b|now\b|this\b|today\b))", re.IGNORECASE)
# A number that tells a change: "down more than $1", "by 0.75 points"; "a 75-basis-point hike".
_DIGITS = re.compile(r"\$?\d[\d,.]*")
_CHANGE_BEFORE = re.compile(r"\b(?:up|down|rose|fell|dropped|climbed|jumped|gained|lost|increased|decreased|declined|"
                            r"by|from)\s+(?:(?:more|less)\s+than\s+|about\s+|nearly\s+|almost\s+|roughly\s+|some\s+)?$",
                            re.IGNORECASE)
_CHANGE_AFTER = re.compile(r"[-\s]*(?:(?:basis|percentage)[-\s]*)?points?[-\s]+(?:hike|cut|rise|increase|drop)",
                           re.IGNORECASE)
# A rate changes by a share or by points: "How much did inflation fall?" is not answered in cents a barrel.
_RATE = re.compile(r"\b(?:inflation|unemployment|jobless rate|(?:interest|mortgage) rates?)\b", re.IGNORECASE)
_HOW_MUCH_CHANGED = re.compile(r"\bhow much\b.*\b(?:ris|rose|fall|fell|drop|climb|increas|decreas|jump|eas|cool|"
                               r"slow|grow|grew|surg|soar|declin|hik|rais|cut|lower)\w*", re.IGNORECASE)
_SHARE = re.compile(r"%|\bper\s*cent\b|\bpercent(?:age)?\b|\bpoints?\b", re.IGNORECASE)
# A number and the word it counts ("88 countries", "6,600 probable cases", "40%"), multipliers skipped.
_COUNT = re.compile(r"\b(\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds?|thousands?)"
                    r"(?:\s+(?:hundred|thousand|million|billion|trillion))?(?:\s*(%)|\s+([A-Za-z][\w\-]*))",
                    re.IGNORECASE)
# "times" multiplies ("15 times more likely to die"): it counts no people.
_OTHER_KINDS = frozenset(stem(w) for w in "countries nations states cities counties provinces years months weeks days "
                         "hours minutes percent dollars euros pounds miles kilometers feet acres degrees times".split())


def _change_for_level(question: str, claim: str) -> str | None:
    """Why ``claim`` does not give the figure a "what is the price / cost / toll …" ``question`` asks for: each of
    its numbers tells a change ("the average price is down more than $1 a gallon since the June peak", "a
    75-basis-point hike"), not the figure. None otherwise, and for a rate, which is itself a change.

    Example:
        >>> q = "What is the average price of a gallon of gas in the US?"
        >>> _change_for_level(q, "The average price is down more than $1 a gallon since the June peak.")
        'it gives a change, and the question asks for the figure itself'
        >>> _change_for_level(q, "The average price is $3.99, down from $5.02 in June.") is None
        True
        >>> _change_for_level("What is the US inflation rate?", "Prices rose 9.1% from a year earlier.") is None
        True
    """
    # A rate is itself a change ("prices rose 9.1% from a year earlier" gives the inflation rate).
    asked = FIGURE_ASKED.search(asking_sentence(question))
    if asked is None or asked.group(1).lower() == "rate":
        return None
    numbers = list(_DIGITS.finditer(claim))
    changes = {m.start() for m in numbers
               if _CHANGE_BEFORE.search(claim[: m.start()]) or _CHANGE_AFTER.match(claim, m.end())}
    if numbers and all(m.start() in changes for m in numbers):
        return "it gives a change, and the question asks for the figure itself"
    return None


def _rate_without_share(question: str, claim: str) -> str | None:
    """Why ``claim`` does not tell how much a rate changed: a "how much did inflation fall?" ``question`` is answered
    by a share or points, not by an amount ("Inflation fell by 20 cents a barrel" quotes a price). None when it
    gives a share or the question asks of no rate's change.

    Example:
        >>> _rate_without_share("How much did inflation fall in July?", "Inflation fell by 20 cents a barrel [1].")
        'it gives no share or points, and the question asks how much inflation changed'
        >>> _rate_without_share("How much did inflation fall in July?", "It fell to 8.5% in July [1].") is None
        True
    """
    asking = asking_sentence(question)
    rate = _RATE.search(asking)
    if rate is None or not _HOW_MUCH_CHANGED.search(asking) or _SHARE.search(claim):
        return None
    return f"it gives no share or points, and the question asks how much {rate.group().lower()} changed"


def _counts_another_kind(question: str, claim: str, asked: set[str]) -> str | None:
    """Why every new number of ``claim`` counts another kind of thing than a "how many X" ``question`` asks for
    ("The outbreak has reached 88 countries" for "How many people have been infected?"); None when one may count it.
    Only kinds a count is often confused with are told apart: places, times, shares, money, measures and multiples
    ("15 times more likely")."""
    wanted = re.search(r"\bhow many\s+((?:[\w'’\-]+\s*){1,3})", asking_sentence(question), re.IGNORECASE)
    if wanted is None:
        return None
    counted = {stem(w) for w in re.findall(r"[\w'’\-]+", wanted.group(1).lower())}
    kinds = []
    for number in _COUNT.finditer(claim):
        if number.group(1).lower() in asked:
            continue
        word = number.group(3) or "percent"  # group 2 is "%"
        kind = stem(word.lower())
        if kind not in _OTHER_KINDS or kind in counted:
            return None
        kinds.append(word)
    return f"it counts {kinds[0]}, and the question asks how many {wanted.group(1).split()[0]}" if kinds else None


def wrong_figure(question: str, claim: str, asked: set[str]) -> str | None:
    """Why the numbers of ``claim`` do not give the figure ``question`` asks for (see the module docstring); None when
    they may. ``asked`` holds the question's own words, whose numbers are not the claim's."""
    return (_counts_another_kind(question, claim, asked) or _rate_without_share(question, claim)
            or _change_for_level(question, claim))
