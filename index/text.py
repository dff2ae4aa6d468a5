"""Text rules shared by every layer: sentences with offsets, stop words, content words and ``[n]`` markers.

One place for them, so that evidence selection, the citation check, speaker attribution, conversations and the
benchmark's judge cut sentences and read markers the same way.

Sentences end at ``.``, ``!`` or ``?`` (with any closing quotes or brackets) before whitespace and a capital, a
digit, an opening quote or bracket; a blank line always ends one. A full stop that closes an abbreviation is
read pragmatically:

- a title (:data:`TITLES`: "Lt.", "Gen.", "Mr.", "Dr.", "St." ...) never ends a sentence, since a name follows it;
- another abbreviation (:data:`ABBREVIATIONS`: "Inc.", "Jr.", "No.", "v.", months such as "Jan."), a dotted one
  ("U.S.", "U.N.", "e.g.", "a.m.") or an initial ("J. K. Rowling") ends a sentence only when the next word is one
  that starts sentences (:data:`SENTENCE_STARTERS`: "The", "It", "He", "But" ...) or a citation marker follows:
  "The U.S. Senate voted." is one sentence, "Sales rose in the U.S. The rest fell." two. Ambiguous cases
  follow the same rule: "The season ended in Jan. The next one starts in May." is two sentences (a month
  abbreviation inside a sentence is normally followed by a day, "Jan. 6"), while "prices in Jan. Officials
  said" stays one (a capitalised word that does not start sentences is read as part of the sentence).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from nltk.stem.snowball import SnowballStemmer  # pure code: no data files, nothing downloaded

# Abbreviations followed by a name: their full stop never ends a sentence.
TITLES = frozenset(
    "Mr Mrs Ms Messrs Dr Prof Gen Lt Col Maj Capt Cmdr Sgt Cpl Pvt Adm Gov Sen Rep Rev Hon Pres Supt Det Insp "
    "St Mt Ft".split()
)
# Abbreviations that may also end a sentence (see the module docstring), and the titles.
ABBREVIATIONS = TITLES | frozenset(
    "Jr Sr No Nos v vs Inc Corp Co Ltd Bros Dept Univ Ave Blvd Rd approx est "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
)
# Month names and abbreviations, lower case ("september", "sep", "sept"), to the month's number: for dates written
# out in questions and in articles.
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}, sept=9)
# Any of them, for a regular expression (longest first, so "june" is read whole rather than as "jun").
MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
# A day of a month written out, in either order, with its year when one follows: "August 17", "Aug. 17th, 2022",
# "17 August 2022". Read with month_day().
MONTH_DAY = re.compile(
    rf"\b(?:(?P<month>{MONTH_NAMES})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}})\b)?"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month2>{MONTH_NAMES})\b\.?(?:\s+(?P<year2>\d{{4}})\b)?)",
    re.IGNORECASE,
)
# Words that begin sentences: after an abbreviation other than a title, one of them means the sentence ended.
SENTENCE_STARTERS = frozenset(
    "A An The This That These Those There Then It Its He She They We I You His Her Their Our My Your "
    "But And Or So Yet Still Also However Meanwhile Instead Now Here In On At For From By With As After Before "
    "When While If Although Though Since Until During Under Over About Against Despite "
    "What Who Why How Where Which Some Many Most All Both Each Other Such No Not Only Last Next Earlier Later".split()
)
# Words too common to say what a text is about: ignored by content_words and by lexical queries.
STOPWORDS = frozenset(
    """a about above according after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing done down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just may me might more most
    must my myself no nor not now of off on once only or other our ours ourselves out over own s said same say says
    she should so some such than that the their theirs them themselves then there these they this those through to
    too under until up very was we were what when where which while who whom whose why will with would you your
    yours yourself yourselves""".split()
)

# A citation marker: [1], [1, 3]; group 1 holds the numbers.
MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_MARKER_WITH_SPACE = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+(?:\s*,\s*\d+)*\])+")
# A possible sentence end (group "stop": the mark and closing quotes or brackets), or a blank line.
_BREAK = re.compile(r"(?P<stop>[.!?][\"'”’)\]]*)(?=\s+[A-Z0-9\"'“‘(\[])|\n\s*\n|(?P<joined>\.)(?=[A-Z][a-z]+[\s,;:])")
# Scraped pages drop the space between paragraphs: "… led investigators to Crimo.Lake County Coroner …". A full stop
# after a plain word, before a capitalised one, ends a sentence; not in a web address ("Iowa.gov",
# "VisitMusicCity.Com") or after an abbreviation ("Gov.Michelle").
_PLAIN_WORD_BEFORE = re.compile(r"(?:^|[\s(“\"])([A-Za-z][a-z]+)$")
_WORD_BEFORE = re.compile(r"(?:^|(?<=[^A-Za-z.]))([A-Za-z](?:[A-Za-z.]*[A-Za-z])?)$")
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")  # U.S, e.g, a.m (the final full stop is the candidate end)
_NEXT_WORD = re.compile(r"\s+[\"'“‘(]*(?:(?P<marker>\[\d)|(?P<word>[A-Za-z]+)(?P<dot>\.)?)")
_CONTENT_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")
# The word a question asks with; group 1 is the word.
QUESTION_WORD = re.compile(r"\b(who|whom|whose|which|what|when|where|why|how)\b", re.IGNORECASE)
_STEMMER = SnowballStemmer("english")
_MAX_QUOTATION = 600  # longest quotation kept in one sentence by split_sentences(keep_quotations=True)


@dataclass(frozen=True)
class Sentence:
    """A sentence with its character offsets in the text it was cut from (plus any offset given)."""

    text: str
    start: int
    end: int


def split_sentences(text: str, offset: int = 0, *, keep_quotations: bool = False) -> list[Sentence]:
    """Sentences of ``text`` with offsets (plus ``offset``, the text's position in its article).

    Args:
        text: the text to cut.
        offset: added to every offset.
        keep_quotations: a full stop inside an open quotation (of up to 600 characters) does not end the sentence,
            so a quotation of several sentences stays with its attribution; a blank line still ends it.

    Example:
        >>> [s.text for s in split_sentences('Prices rose 5%. "We are worried," Mr. Lee said. U.S. data follow.')]
        ['Prices rose 5%.', '"We are worried," Mr. Lee said.', 'U.S. data follow.']
        >>> [s.text for s in split_sentences("He met Lt. Col. Smith. Then he left.")]
        ['He met Lt. Col. Smith.', 'Then he left.']
        >>> [s.text for s in split_sentences("The U.S. Senate voted on Jan. 6. It passed.")]
        ['The U.S. Senate voted on Jan. 6.', 'It passed.']
        >>> [s.text for s in split_sentences("Talks ended in Jan. The next round is in May.")]
        ['Talks ended in Jan.', 'The next round is in May.']
        >>> [s.text for s in split_sentences("It led to Crimo.Lake County said more. See Iowa.gov, Gov.Michelle Lee.")]
        ['It led to Crimo.', 'Lake County said more.', 'See Iowa.gov, Gov.Michelle Lee.']
        >>> [(s.start, s.end) for s in split_sentences("  Oil rose. Gas fell.", offset=100)]
        [(102, 111), (112, 121)]
    """
    sentences: list[Sentence] = []
    start = 0
    for match in _BREAK.finditer(text):
        stop = match.group("stop") or match.group("joined")
        if match.group("joined") and not _joined(text, match.start()):
            continue
        if stop is not None:
            if stop == "." and _inside_sentence(text, match.start(), match.end()):
                continue
            if keep_quotations and _open_quotation(text[start : match.end()]):
                continue
        _append(sentences, text, start, match.end() if stop is not None else match.start(), offset)
        start = match.end()
    _append(sentences, text, start, len(text), offset)
    return sentences


def _inside_sentence(text: str, dot: int, after: int) -> bool:
    """Whether the full stop at ``dot`` closes an abbreviation within the sentence rather than the sentence."""
    word = _WORD_BEFORE.search(text[max(0, dot - 16) : dot])
    if word is None:
        return False
    name = word.group(1)
    if name in TITLES:
        return True
    if not (name in ABBREVIATIONS or _DOTTED.fullmatch(name) or (len(name) == 1 and name.isupper())):
        return False
    following = _NEXT_WORD.match(text, after)
    if following is None:
        return True  # a digit ("Jan. 6", "No. 10")
    if following.group("marker"):
        return False  # "... in the U.S. [2]": the marker closes the sentence
    starts = following.group("word") in SENTENCE_STARTERS and not following.group("dot")  # "J. A. Smith"
    return not starts


def _joined(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot``, with no space after it, ends a sentence run into the next."""
    word = _PLAIN_WORD_BEFORE.search(text[max(0, dot - 40) : dot])
    return word is not None and word.group(1) not in ABBREVIATIONS


def _open_quotation(sentence: str) -> bool:
    opened = sentence.count("“") - sentence.count("”") + sentence.count('"') % 2
    return opened > 0 and len(sentence) < _MAX_QUOTATION


def _append(sentences: list[Sentence], text: str, start: int, end: int, offset: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    begin = start + len(piece) - len(piece.lstrip())
    sentences.append(Sentence(stripped, offset + begin, offset + begin + len(stripped)))


def names_only(text: str) -> bool:
    """Whether ``text`` is little but names, with fewer than two lower-case words: an item of a list ("Britain's
    former Chancellor Rishi Sunak."), which reports nothing.

    Example:
        >>> names_only("Britain's former Chancellor Rishi Sunak."), names_only("Sajid Javid resigned on Tuesday.")
        (True, False)
    """
    return len(re.findall(r"(?<![\w'’])[a-z][\w'’\-]*", text)) < 2  # the "s" of "Britain's" is no word


def content_words(text: str) -> set[str]:
    """Lower-cased words and numbers of ``text`` without stop words and one-letter words: what overlaps compare.

    Example:
        >>> sorted(content_words("The U.S. Senate said it passed the bill on Jan. 6."))
        ['bill', 'jan', 'passed', 'senate']
    """
    return {w.lower().strip("'’") for w in _CONTENT_WORD.findall(text) if w.lower() not in STOPWORDS and len(w) > 1}


def word_stems(text: str) -> set[str]:
    """The stems of ``text``'s content words (Snowball, English), so that "senators" meets "Senate" and "reforms"
    meets "reform" where a test compares the words of two texts that say the same thing differently.

    Example:
        >>> sorted(word_stems("Senators agreed on reforms")) == sorted(word_stems("The Senate agreed on a reform"))
        True
    """
    return {stem(word) for word in content_words(text)}


def stem(word: str) -> str:
    """The Snowball (English) stem of one lower-cased word: "reforms" → "reform"."""
    return _STEMMER.stem(word)


def month_day(match: re.Match[str]) -> tuple[int, int, int | None]:
    """The month (1–12), day and year (None when not written) of a :data:`MONTH_DAY` match.

    Example:
        >>> month_day(MONTH_DAY.search("on Aug. 17th, 2022")), month_day(MONTH_DAY.search("by 5 November"))
        ((8, 17, 2022), (11, 5, None))
    """
    year = match["year"] or match["year2"]
    return (MONTHS[(match["month"] or match["month2"]).lower()], int(match["day"] or match["day2"]),
            int(year) if year else None)


def markers_in(text: str) -> list[int]:
    """The passage numbers cited in ``text`` by ``[n]`` markers, in order, each once.

    Example:
        >>> markers_in("Rates rose [2][1]. They fell [1, 3].")
        [2, 1, 3]
    """
    found = [int(n) for m in MARKER.finditer(text) for n in m.group(1).split(",")]
    return list(dict.fromkeys(found))


def asks(text: str) -> bool:
    """Whether a sentence asks rather than states (it ends in a question mark, quotes and brackets aside).

    Example:
        >>> asks("Who will replace him?”"), asks("He will be replaced.")
        (True, False)
    """
    return text.rstrip().rstrip("\"'”’)]").endswith("?")


def asking_sentence(question: str) -> str:
    """The sentence of ``question`` that asks: its last, since a quiz often sets the scene first.

    Example:
        >>> asking_sentence("MLB held its All-Star Game on Tuesday. Who was the game's MVP?")
        "Who was the game's MVP?"
    """
    sentences = split_sentences(question)
    return sentences[-1].text if sentences else question


def strip_markers(text: str) -> str:
    """``text`` without ``[n]`` markers and the spaces before them.

    Example:
        >>> strip_markers("Rates rose [2]. Then [1, 3] fell.")
        'Rates rose. Then fell.'
    """
    return _MARKER_WITH_SPACE.sub("", text).strip()


def leading_markers(text: str) -> tuple[str, str]:
    """The ``[n]`` markers that open ``text``, and the rest (both stripped).

    Example:
        >>> leading_markers("[2] [3] Why?")
        ('[2] [3]', 'Why?')
        >>> leading_markers("Oil rose [1].")
        ('', 'Oil rose [1].')
    """
    found = _LEADING_MARKERS.match(text)
    if found is None:
        return "", text.strip()
    return found.group(0).strip(), text[found.end() :].strip()


def split_answer(text: str) -> list[str]:
    """An answer's sentences; markers written after the full stop (``... May. [2]``) stay with their sentence.

    A piece that holds only markers and punctuation joins the sentence before it.

    Example:
        >>> split_answer("Nichelle Nichols portrayed Lt. Uhura [3]. She died in 2022. [1] [2] Why?")
        ['Nichelle Nichols portrayed Lt. Uhura [3].', 'She died in 2022. [1] [2]', 'Why?']
    """
    pieces: list[str] = []
    for sentence in split_sentences(text):
        lead, rest = leading_markers(sentence.text)
        piece = sentence.text
        if lead and pieces:
            pieces[-1] = f"{pieces[-1]} {lead}"
            piece = rest
        if not piece:
            continue
        if pieces and not strip_markers(piece).strip(" .!?"):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    return pieces
