"""The offices names hold: whether an answer gives the office asked about, and to the one its source gives it to.

"Who is the new prime minister of Italy?" (asked in July 2022, when there was none) drew "The new prime minister of
Italy is Sergio Mattarella", resting on "Italy's President Sergio Mattarella dissolved parliament … following the
resignation of the country's Prime Minister Mario Draghi": the sentence names both men and the office, so it
resembles the claim, but it gives the office to another. And it drew the quote "Giorgia Meloni, the Leader of the
far-right Brothers of Italy, … called for immediate elections", which names somebody new but gives nobody the office
asked about.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from index.text import asking_sentence, strip_markers
from qa.answering.grammar import name_of, negated, parse, receiver_of, subject_of

if TYPE_CHECKING:
    from qa.answering.grammar import Token

# The longest spelling is matched first, so "Vice President Mike Pence" holds no "President".
_OFFICES = sorted((
    "president", "vice president", "prime minister", "deputy prime minister", "chancellor", "minister",
    "foreign minister", "finance minister", "defence minister", "defense minister", "secretary", "foreign secretary",
    "home secretary", "secretary of state", "defense secretary", "treasury secretary", "press secretary",
    "attorney general", "chief justice", "speaker", "governor", "senator", "mayor", "king", "queen", "prince",
    "princess", "pope", "premier", "chief executive", "ceo", "chairman", "chairwoman", "coach", "first lady", "leader",
), key=len, reverse=True)
_OFFICE = re.compile(r"\b(?:" + "|".join(o.replace(" ", r"\s+") for o in _OFFICES) + r")\b", re.IGNORECASE)
_HOLDER = r"((?:[A-Z][\w'’\-]*\s+){0,3}[A-Z][\w'’\-]*)"
# After the office: "President Sergio Mattarella"; "the new prime minister of Italy is Sergio Mattarella".
_HOLDER_AFTER = re.compile(r"(?:\s+of\s+(?:the\s+)?[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*\s+(?:is|was|will\s+be)\s+"
                           r"|\s+(?:(?:is|was|will\s+be)\s+)?)" + _HOLDER)
# Before it: "Mario Draghi, the prime minister"; "Liz Truss became the new prime minister".
_BECOMES = r"(?:is|was|will\s+be|would\s+be|became|becomes|has\s+become|will\s+become|could\s+become)"
_HOLDER_BEFORE = re.compile(_HOLDER + rf"(?:,\s+|\s+{_BECOMES}\s+)(?:(?:the|a|an)\s+)?(?:[\w'’\-]+\s+){{0,2}}?$")
# Taking an office: "won the race to become prime minister", "was sworn in as Sri Lanka's president".
_TAKES_OFFICE = re.compile(r"\b(?:become|becomes|becoming|became|elected|named|appointed|installed|sworn\s+in\s+as|"
                           r"as)\s+(?:(?:the|a|an)\s+)?(?:[\w'’\-]+\s+){0,3}?$", re.IGNORECASE)
# "Who is the new prime minister of Italy?", "Which politician will become Britain's next prime minister?"
_ASKS_HOLDER = re.compile(rf"\b(?:who|which\s+[\w'’\-]+)\s+{_BECOMES}\s+(?:the\s+)?(?:[\w'’\-]+\s+){{0,3}}?"
                          rf"({_OFFICE.pattern})", re.IGNORECASE)
# Asked who takes the office, not who holds it: "Who became …?", "Who is the new …?".
_ASKS_TAKER = re.compile(r"\b(?:became|becomes|become|new|next|incoming|elected)\b", re.IGNORECASE)
# The office named as taken where it is named: "the country's new president", "the next prime minister".
_NEW_OFFICE = re.compile(r"\b(?:new|next|incoming|elected)\s+(?:[\w'’\-]+\s+){0,2}?$", re.IGNORECASE)
# The post in other words: "won the race for the premiership", "the gubernatorial race".
_POSTS = {"prime minister": ("premiership",), "governor": ("gubernatorial",), "king": ("throne",), "queen": ("throne",)}
_LESSER = ("vice", "deputy")  # "Vice President Harris" holds no president's office
# Leaving an office: "has formally resigned", "stepped down", "was ousted", "died"; "former President …".
_LEAVING = frozenset("resign quit step die abdicate".split())  # their subject leaves ("step" only "down" or "aside")
_REMOVING = frozenset("oust depose topple remove impeach unseat".split())  # the one they are done to leaves
_FORMER = re.compile(r"\b(?:former|ex-|late|then-|outgoing)\s*(?:[\w'’\-]+\s+){0,2}?$", re.IGNORECASE)


def _office(text: str) -> str:
    """An office as matched, lower-cased and spaced once."""
    return " ".join(text.lower().split())


def _holders(text: str) -> list[tuple[str, str | None]]:
    """Each office ``text`` names, with the surname of the one it gives it to (None if nobody's)."""
    return [(_office(match.group()), _holder(text, match)) for match in _OFFICE.finditer(text)]


def _holder(text: str, office: re.Match[str]) -> str | None:
    holder = _holder_name(text, office)
    return _surname(holder) if holder else None


def _holder_name(text: str, office: re.Match[str]) -> str | None:
    """The name of the one ``text`` gives ``office`` (a match in it) to, as written; None if nobody's."""
    after = _HOLDER_AFTER.match(text, office.end())
    before = _HOLDER_BEFORE.search(text[: office.start()])
    return after.group(1) if after else before.group(1) if before else None


def _surname(name: str) -> str:
    return re.sub(r"['’]s?$", "", name.split()[-1])


def _is_office(given: str, office: str) -> bool:
    """Whether an office named ``given`` is an ``office``: a foreign minister is a minister, a vice president no
    president, and a minister not always a prime minister."""
    return given == office or (given.endswith(" " + office) and given.split()[0] not in _LESSER)


def _same_office(a: str, b: str) -> bool:
    """Whether offices ``a`` and ``b`` may be one: either is the other."""
    return _is_office(a, b) or _is_office(b, a)


def office_not_given(question: str, sentence: str) -> str | None:
    """Why ``sentence`` does not answer a question asking who holds an office: it gives that office to nobody (by
    name, or as what someone takes: "… won the race to become prime minister"). None when it does, or when
    ``question`` asks no such thing.

    Example:
        >>> q = "Who is the new prime minister of Italy?"
        >>> office_not_given(q, "Giorgia Meloni, the Leader of the Brothers of Italy, called for elections.")
        'it gives nobody the office asked about (prime minister)'
        >>> office_not_given(q, "Renato Brunetta, the minister for public administration, said so.")
        'it gives nobody the office asked about (prime minister)'
        >>> office_not_given(q, "The next prime minister will inherit a mess.")
        'it gives nobody the office asked about (prime minister)'
        >>> office_not_given(q, "Liz Truss won the race to become prime minister.") is None
        True
        >>> office_not_given("Who was elected president?", "William Ruto won the presidential election.") is None
        True
        >>> office_not_given("Who did the prime minister meet?", "He met Joe Biden.") is None
        True
        >>> office_not_given("Who is the president of Sri Lanka?", "It was led by former President Mahinda Rajapaksa.")
        'it gives nobody the office asked about (president)'
    """
    asked = _ASKS_HOLDER.search(asking_sentence(question))
    if asked is None:
        return None
    office = _office(asked.group(1))
    # Asked who holds it now, a former holder ("former President Mahinda Rajapaksa") is not given it.
    if _office_named(sentence, office, lambda text, at: (
            bool(_holder(text, at)) and not (_asks_now(asked) and _FORMER.search(text[: at.start()])))
            or _taken(text, at)):
        return None
    return f"it gives nobody the office asked about ({office})"


def office_not_taken(question: str, sentence: str) -> str | None:
    """Why ``sentence`` does not answer a question asking who took an office ("Who became Sri Lanka's new
    president?"): it names the holder ("Sri Lanka's President Gotabaya Rajapaksa … has formally resigned") but
    nobody taking it. None when it tells of the office taken ("elected Ranil Wickremesinghe as the country's new
    president"), or when ``question`` asks who holds an office, or nothing of the kind.

    Example:
        >>> q = "Who became Sri Lanka's new president?"
        >>> office_not_taken(q, "Sri Lanka's President Gotabaya Rajapaksa has formally resigned.")
        'it does not say who became president'
        >>> office_not_taken(q, "Parliament elected Ranil Wickremesinghe as the country's new president.") is None
        True
        >>> office_not_taken("Who is Sri Lanka's president?", "President Gotabaya Rajapaksa resigned.") is None
        True
    """
    asked = _ASKS_HOLDER.search(asking_sentence(question))
    if asked is None or not _ASKS_TAKER.search(asked.group(0)):
        return None
    office = _office(asked.group(1))
    if _office_named(sentence, office, lambda text, at: _taken(text, at) or _new(text, at)):
        return None
    return f"it does not say who became {office}"


def _asks_now(asked: re.Match[str]) -> bool:
    """Whether the question's ask (a match of _ASKS_HOLDER) is who holds the office now: "Who is …", not "was"."""
    return bool(re.match(r"\S+(?:\s+[\w'’\-]+)?\s+is\b", asked.group(0)))


def _office_named(sentence: str, office: str, how: Callable[[str, re.Match[str]], bool]) -> bool:
    """Whether ``sentence`` names ``office`` in the way ``how`` tells (given the text and the office's match), or
    speaks of the post in other words ("won the presidential election")."""
    plain = strip_markers(sentence)
    named = (how(plain, m) for m in _OFFICE.finditer(plain) if _is_office(_office(m.group()), office))
    return any(named) or _names_the_post(office, plain)


def _taken(text: str, office: re.Match[str]) -> bool:
    """"… to become prime minister", "sworn in as president": the office is what someone takes."""
    return bool(_TAKES_OFFICE.search(text[: office.start()]))


def _new(text: str, office: re.Match[str]) -> bool:
    """"the country's new president", "President-elect": the office named as newly taken."""
    return bool(_NEW_OFFICE.search(text[: office.start()]) or re.match(r"[\s-]+elect\b", text[office.end():]))


def _names_the_post(office: str, text: str) -> bool:
    """Whether ``text`` speaks of the post in another form: "won the presidential election", "the premiership"."""
    forms = [r"\s+".join(office.split()) + r"\w+", *_POSTS.get(office, ())]
    return bool(re.search(r"\b(?:" + "|".join(forms) + r")\b", text, re.IGNORECASE))


def office_unsupported(question: str, claim: str, source_sentence: str) -> str | None:
    """Why ``source_sentence`` does not support the office ``claim`` gives: another office for the name
    (:func:`another_office`), asked who took the office, no word of its taking (:func:`office_not_taken`), or asked
    who holds it, the name's leaving it (:func:`office_left`)."""
    return (another_office(claim, source_sentence) or office_not_taken(question, source_sentence)
            or office_left(question, claim, source_sentence))


def office_left(question: str, claim: str, source_sentence: str) -> str | None:
    """Why ``source_sentence`` does not say that the one ``claim`` gives the office to holds it now, asked who does
    ("Who is the president of Sri Lanka?"): it tells of that name leaving it ("President Gotabaya Rajapaksa, who fled
    the country earlier this week, has formally resigned") or names them its former holder. None otherwise.

    Example:
        >>> q = "Who is the president of Sri Lanka?"
        >>> src = "Sri Lanka's President Gotabaya Rajapaksa, who fled the country, has formally resigned."
        >>> office_left(q, "The president of Sri Lanka is Gotabaya Rajapaksa [2].", src)
        'the passage says Rajapaksa has left the office'
        >>> office_left(q, "The president is Mahinda Rajapaksa [1].", "It was led by former President Mahinda "
        ...             "Rajapaksa.")
        'the passage says Rajapaksa has left the office'
        >>> office_left("Who was the president of Sri Lanka?", "The president was Gotabaya Rajapaksa [2].",
        ...             src) is None
        True
        >>> office_left(q, "The president is Ranil Wickremesinghe [1].", "Ranil Wickremesinghe was sworn in as "
        ...             "president after Gotabaya Rajapaksa resigned.") is None
        True
        >>> office_left(q, "The president is Gotabaya Rajapaksa [1].", "Sri Lanka was then led by former President "
        ...             "Mahinda Rajapaksa, the current president's brother.") is None
        True
        >>> pm = "Who is the UK prime minister?"
        >>> office_left(pm, "The UK prime minister is Boris Johnson [3].", "Boris Johnson's ethics adviser Lord Geidt "
        ...             "has quit.") is None
        True
        >>> office_left(pm, "The UK prime minister is Rishi Sunak [1].", "Former finance minister Rishi Sunak was "
        ...             "selected prime minister.") is None
        True
        >>> office_left(pm, "The prime minister is Rishi Sunak [1].", "Sunak resigned as chancellor in July.") is None
        True
        >>> office_left(pm, "The prime minister is Boris Johnson [1].", "Johnson ousted his chancellor.") is None
        True
        >>> office_left(pm, "The prime minister is Boris Johnson [1].", "Prime Minister Boris Johnson was ousted.")
        'the passage says Johnson has left the office'
        >>> office_left(q, "The president is Ranil Wickremesinghe [1].", "Ranil Wickremesinghe stepped in as acting "
        ...             "president.") is None
        True
    """
    asked = _ASKS_HOLDER.search(asking_sentence(question))
    if asked is None or not _asks_now(asked) or _ASKS_TAKER.search(asked.group(0)):
        return None
    office, plain = _office(asked.group(1)), strip_markers(claim)
    claimed = [name.split() for m in _OFFICE.finditer(plain) if (name := _holder_name(plain, m))]
    # A former holder of this office ("former President Mahinda Rajapaksa"; not "Former finance minister Rishi
    # Sunak" for the prime minister's), and whoever resigns, steps down, … (not "without resigning").
    former = [name.split() for m in _OFFICE.finditer(source_sentence)
              if _is_office(_office(m.group()), office) and _FORMER.search(source_sentence[: m.start()])
              and (name := _holder_name(source_sentence, m))]
    for verb in parse(source_sentence):
        if (verb.pos_ != "VERB" or verb.head.lower_ == "without" or negated(verb)
                or _as_another_office(verb, office)):
            continue
        lemma = verb.lemma_.lower()
        if lemma == "step" and not any(c.lower_ in ("down", "aside") for c in verb.children):
            continue  # "stepped in", "stepped up"
        leaver = subject_of(verb) if lemma in _LEAVING else receiver_of(verb) if lemma in _REMOVING else None
        if leaver is not None:
            former.append(name_of(leaver).split())  # the name itself: not "Johnson's" of "Johnson's adviser"
    left = next((words for words in claimed if any(_same_person(words, other) for other in former)), None)
    return f"the passage says {_surname(' '.join(left))} has left the office" if left else None


def _same_person(these: list[str], those: list[str]) -> bool:
    """Whether two names (as words, titles allowed) may name one person: the same surname, and the same given name
    where both give one ("Gotabaya Rajapaksa" is not his brother "Mahinda Rajapaksa")."""
    if _surname(" ".join(these)) != _surname(" ".join(those)):
        return False
    given = [{w.lower() for w in words[:-1] if not _OFFICE.fullmatch(w)} for words in (these, those)]
    return not (given[0] and given[1]) or bool(given[0] & given[1])


def _as_another_office(verb: Token, office: str) -> bool:
    """Whether ``verb`` is left "as" another office: "resigned as chancellor" for the prime minister's."""
    for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ == "as"):
        named = " ".join(t.text for t in prep.subtree)
        if (match := _OFFICE.search(named)) and not _is_office(_office(match.group()), office):
            return True
    return False


def another_office(claim: str, source_sentence: str) -> str | None:
    """Why ``source_sentence`` does not support the office ``claim`` gives a name: it gives that name another office,
    and the claimed one only to someone else. None when it gives the name no office, the claimed one, or names the
    claimed office free ("… will become prime minister").

    Example:
        >>> src = ("Italy's President Sergio Mattarella dissolved parliament, following the resignation of the "
        ...        "country's Prime Minister Mario Draghi.")
        >>> another_office("The new prime minister of Italy is Sergio Mattarella [1].", src)
        'the passage gives Mattarella another office (president); the prime minister it names is another'
        >>> another_office("Prime Minister Mario Draghi resigned [1].", src) is None
        True
        >>> another_office("Liz Truss will be prime minister [1].",
        ...                "Foreign Secretary Liz Truss won the race to become prime minister.") is None
        True
    """
    given = _holders(source_sentence)
    for office, holder in _holders(strip_markers(claim)):
        if holder is None:
            continue
        theirs = [o for o, h in given if h is not None and h.lower() == holder.lower()]
        if not theirs or any(_same_office(office, o) for o in theirs):
            continue
        if any(h is None and _same_office(office, o) for o, h in given):
            continue
        return f"the passage gives {holder} another office ({theirs[0]}); the {office} it names is another"
    return None
