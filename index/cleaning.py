"""What a news page prints around the story, removed from article text at ingest: bylines, datelines, photo credits
and captions, contributor lines and page furniture.

Why: a byline's names read like the story's actors. "Who won Colombia's presidential election?" was answered with
the AP reporter named above the article ("Regina Garcia Cano and Astrid Suarez / Associated Press / BOGOTA,
Colombia — Colombia will be governed by ... Gustavo Petro"). Stored text is what passages, evidence and citation
offsets are cut from, so the furniture is removed before anything is stored.

The rules are conservative: a false removal of news is worse than a missed byline. Each rule matches a whole line
(a paragraph, or a sentence-ending line of one) of a recognisable form, and the position-dependent ones look only
where the furniture stands: bylines and datelines at the top, reporter bios and contact lines at the bottom. A
dateline is cut from its sentence, never with it: "BOGOTA, Colombia (AP) — Gustavo Petro won" becomes "Gustavo
Petro won". Inline photo credits ("Matthew Brown/AP", "(Photo by X/Getty Images)") are cut out of the line; a line
that is a single photo caption ending in its credit is dropped whole.

Example:
    >>> s = strip_furniture("Regina Garcia Cano and Astrid Suarez\\n\\nAssociated Press\\n\\n"
    ...                     "BOGOTA, Colombia — Gustavo Petro won the runoff.\\n\\nSign up here.")
    >>> s.text, s.authors
    ('Gustavo Petro won the runoff.', ('Regina Garcia Cano', 'Astrid Suarez'))
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.dating import dated_by_captions
from index.furniture import (
    BIO,
    BIO_WITH_CONTACT,
    COMPILED,
    CONTACT,
    CONTRIBUTED,
    CONTRIBUTING,
    CREDIT,
    DATELINE,
    FURNITURE,
    GALLERY,
    NAME_RE,
    NAMES,
    NOT_PLACES,
    OUTLET,
    OUTLET_AFTER_NAMES,
    PHOTO_LINE,
    PHOTO_PAREN,
    POINTER,
    RELATED_LINK,
    REPORTED_FROM,
    SIGN_UP,
    SIGN_UP_OBJECT,
    SIGNATURE,
    SIGNATURE_OUTLET,
    SPLIT_NAMES,
    UPDATED,
    VIDEO,
    WIRE_REPORTS,
)
from index.text import split_sentences

if TYPE_CHECKING:  # only for annotations: index.articles imports this module
    from index.articles import Article

# The version of these rules, recorded with every stored article. Bump it together with the archive format
# (index.archive.recorded.FORMAT_VERSION) when a change alters what is removed: opening an archive of an older format
# re-cleans the articles cleaned with older rules (index.archive.upgrade), and eval caches, keyed by the format, are
# rebuilt.
# 2: links to other stories inside the text (index.furniture.RELATED_LINK).
# 3: photo galleries printed inside the text (index.furniture.GALLERY).
# 4: video players printed inside the text, however long their titles (index.furniture.VIDEO).
# 5: photo galleries dated by the latest day their captions tell (index.dating); pointers to other pages ending a line
#    ("For the news as it happened on Election Day, read here.", index.furniture.POINTER).
CLEANING_VERSION = 5

# How far from the top and the bottom of an article bylines, datelines and bios are looked for (in lines).
_HEAD_LINES = 6
_TAIL_LINES = 6


@dataclass(frozen=True)
class Removal:
    """One piece of furniture taken out of an article.

    ``kind`` is one of ``byline``, ``dateline``, ``photo``, ``contributors``, ``bio``, ``furniture``.
    """

    kind: str
    text: str


@dataclass(frozen=True)
class Stripped:
    """An article text without its furniture, the reporters its bylines named, and what was removed."""

    text: str
    authors: tuple[str, ...] = ()
    removed: tuple[Removal, ...] = ()


def strip_furniture(text: str, authors: Iterable[str] = ()) -> Stripped:
    """Remove bylines, datelines, photo credits and captions, contributor lines and page furniture from ``text``.

    Args:
        text: article text as :func:`index.articles.clean_text` leaves it (paragraphs separated by blank lines).
        authors: the record's own authors; a line holding just their names at the top is a byline.

    Returns:
        The text without the furniture (paragraph breaks kept), the names its bylines gave, and the removals.

    Example:
        >>> strip_furniture("(CNN) Markets rose on Monday.\\n\\nCNN's Jane Doe contributed to this report.").text
        'Markets rose on Monday.'
    """
    # A gallery's captions may wrap across paragraphs, so they are cut from the whole text before it is read by line
    # (in one pass: the pattern runs on every article ingested).
    galleries: list[Removal] = []

    def cut(match: re.Match[str]) -> str:
        galleries.append(Removal("photo", match.group(0)))
        return ""

    lines = _Lines(GALLERY.sub(cut, text))
    lines.removed.extend(galleries)
    known = {_key(name) for name in authors}
    for index, line in enumerate(lines.text):
        if (kind := _anywhere_kind(line, lines.names)) is not None:
            lines.remove(index, kind)
        else:
            lines.cut_credits(index)
            lines.cut_pointer(index)
    _strip_head(lines, known)
    _strip_tail(lines, known)
    return Stripped(lines.joined(), tuple(dict.fromkeys(lines.names)), tuple(lines.removed))


def is_headline_only(text: str, *headlines: str | None) -> bool:
    """Whether ``text`` holds nothing but a headline: it is empty, or has the same words as one of ``headlines`` (the
    title, the headline read from the URL's slug).

    Example:
        >>> is_headline_only("Ford recall", None, "Ford recall")
        True
        >>> is_headline_only("Ford recalls 2.9 million cars.", "Ford recall")
        False
    """
    words = _words(text)
    return not words or any(words == _words(headline) for headline in headlines if headline)


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def as_stored(article: Article) -> Article:
    """What the archive stores of an article: :func:`without_furniture`, and a photo gallery dated by the latest day
    its captions tell (:func:`index.dating.dated_by_captions`).

    Ingest and the re-cleaning of stored articles both go through here, so both store the same text and date.
    """
    return dated_by_captions(without_furniture(article))


def without_furniture(article: Article) -> Article:
    """The article with :func:`strip_furniture` applied to its text, and the byline's names as its authors if the
    record gave none.

    A headline-only item is left alone, and text that is all furniture leaves the headline (or, with none, the text
    as it was).

    Example:
        >>> from index.articles import Article
        >>> a = Article(article_id="a", title="Petro wins", text="By Jane Doe\\n\\nBOGOTA, Colombia (AP) — Petro won.")
        >>> b = without_furniture(a)
        >>> b.text, b.authors
        ('Petro won.', ('Jane Doe',))
    """
    if article.headline_only:
        return article
    stripped = strip_furniture(article.text, article.authors)
    text = stripped.text or article.title or article.text
    authors = article.authors or stripped.authors
    if text == article.text and authors == article.authors:
        return article
    return article.model_copy(update={"text": text, "authors": authors})


class _Lines:
    """The lines of an article with the paragraph each belongs to, and what has been removed from them."""

    def __init__(self, text: str) -> None:
        self.paragraph: list[int] = []
        self.text: list[str] = []
        for number, block in enumerate(text.split("\n\n")):
            for line in block.split("\n"):
                self.paragraph.append(number)
                self.text.append(line)
        self.kept = [bool(line.strip()) for line in self.text]
        self.removed: list[Removal] = []
        self.names: list[str] = []

    def remove(self, index: int, kind: str) -> None:
        self.kept[index] = False
        self.removed.append(Removal(kind, self.text[index]))

    def replace(self, index: int, text: str, removal: Removal) -> None:
        self.text[index] = text
        self.removed.append(removal)
        if not text.strip():
            self.kept[index] = False

    def cut_credits(self, index: int) -> None:
        line = self.text[index]
        if "/" not in line and "(" not in line:  # every credit has one; most lines have neither
            return
        credits = [m.group(0) for m in PHOTO_PAREN.finditer(line)] + [m.group(0) for m in CREDIT.finditer(line)]
        if not credits:
            return
        # A caption stands alone and ends in its one credit: the whole line is the caption.
        if len(credits) == 1 and (line.rstrip().endswith(credits[0].strip()) or line.strip() == credits[0].strip()):
            self.remove(index, "photo")
            return
        cut = _SPACES.sub(" ", CREDIT.sub("", PHOTO_PAREN.sub("", line))).strip()
        self.replace(index, cut, Removal("photo", "; ".join(credits)))

    def cut_pointer(self, index: int) -> None:
        line = self.text[index]
        if "here" in line.lower() and (pointers := [m.group(0).strip() for m in POINTER.finditer(line)]):
            self.replace(index, POINTER.sub("", line).strip(), Removal("furniture", "; ".join(pointers)))

    def kept_after(self, index: int) -> int | None:
        return next((i for i in range(index + 1, len(self.text)) if self.kept[i]), None)

    def joined(self) -> str:
        paragraphs: dict[int, list[str]] = {}
        for number, line, kept in zip(self.paragraph, self.text, self.kept, strict=True):
            if kept:
                paragraphs.setdefault(number, []).append(line)
        return "\n\n".join("\n".join(lines) for lines in paragraphs.values())


_SPACES = re.compile(r"\s{2,}")


def _anywhere_kind(line: str, names: list[str]) -> str | None:
    line = line.strip()
    if not line:
        return None
    if FURNITURE.fullmatch(line) or VIDEO.fullmatch(line) or WIRE_REPORTS.fullmatch(line):
        return "furniture"
    if len(line) <= 300 and (SIGN_UP.search(line) and SIGN_UP_OBJECT.search(line) or RELATED_LINK.fullmatch(line)):
        return "furniture"
    if UPDATED.fullmatch(line):
        return "byline"
    if SIGNATURE_OUTLET.fullmatch(line):
        return "byline"
    if (signature := SIGNATURE.fullmatch(line)) is not None:
        names.extend(_names_in(signature.group("names")))
        return "byline"
    if len(line) <= 300 and (CONTRIBUTED.fullmatch(line) or CONTRIBUTING.fullmatch(line)):
        return "contributors"
    if PHOTO_LINE.fullmatch(line):
        return "photo"
    return None


def _names_in(text: str) -> list[str]:
    parts = (part.strip() for part in SPLIT_NAMES.split(text))
    return [part for part in parts if NAME_RE.fullmatch(part) and not OUTLET.fullmatch(part)]


def _key(name: str) -> str:
    return " ".join(name.lower().split())


def _byline_names(line: str) -> list[str] | None:
    """The names of a "By ..." line ("By Jane Doe and John Roe, Associated Press"), or None if it is not one."""
    match = re.fullmatch(r"By:?\s+(.+?)\s*[;,]?", line)
    if match is None:
        return None
    body = match.group(1)
    if OUTLET.fullmatch(body):
        return []
    # Everything after the last comma that names an outlet is the outlet ("..., CNN").
    head, _, tail = body.rpartition(", ")
    if head and OUTLET.fullmatch(tail):
        body = head
    return _names_in(body) if NAMES.fullmatch(body) else None


def _is_names(line: str) -> bool:
    return bool(NAMES.fullmatch(line)) and not line.isupper() and not OUTLET.fullmatch(line)


def _strip_head(lines: _Lines, known: set[str]) -> None:
    index = lines.kept_after(-1)
    seen = 0
    after_names = False
    dateline_removed = False
    while index is not None and seen < _HEAD_LINES:
        line = lines.text[index].strip()
        following = lines.kept_after(index)
        next_line = lines.text[following].strip() if following is not None else ""
        if (names := _byline_names(line)) is not None:
            lines.names.extend(names)
            lines.remove(index, "byline")
            after_names = bool(names)
        elif _is_names(line) and _names_byline(line, next_line, known):
            lines.names.extend(_names_in(line))
            lines.remove(index, "byline")
            after_names = True
        elif OUTLET.fullmatch(line) or (after_names and OUTLET_AFTER_NAMES.fullmatch(line)):
            lines.remove(index, "byline")
            after_names = False
        elif (dateline := _dateline(line)) is not None and dateline == line:
            lines.remove(index, "dateline")  # a dateline on a line of its own: "CNN —", "New York CNN Business —"
            dateline_removed = True
            after_names = False
        else:
            break
        seen += 1
        index = following
    if index is None or dateline_removed:
        return
    # The story's first line: its dateline goes, the sentence after it stays.
    line = lines.text[index]
    dateline = _dateline(line.strip()) or _leading_dashes(line.strip())
    if dateline:
        lines.replace(index, line.strip()[len(dateline) :].lstrip(), Removal("dateline", dateline.strip()))


def _names_byline(line: str, next_line: str, known: set[str]) -> bool:
    # A line of names alone is a byline only with evidence: the record's own authors, the outlet line bylines put
    # under the names, or the story's dateline right after them. A title-case heading has none of these.
    names = _names_in(line)
    if not names:
        return False
    if all(_key(name) in known for name in names):
        return True
    if OUTLET.fullmatch(next_line) or OUTLET_AFTER_NAMES.fullmatch(next_line):
        return True
    short = all(len(name.split()) <= 3 for name in names)
    dateline = _dateline(next_line)
    return short and dateline is not None and dateline != next_line


def _dateline(line: str) -> str | None:
    match = DATELINE.match(line)
    if match is None:
        return None
    caps = match.group("caps")
    if caps is not None:
        words = caps.split()
        if not any(sum(ch.isupper() for ch in word) >= 2 for word in words):
            return None
        # One capitalised word with no region may be the sentence's subject ("NASA — the agency said ..."): only
        # a word of four letters or more that is not a known acronym is read as a place.
        if match.group("region") is None and len(words) == 1 and (len(caps) < 4 or caps in NOT_PLACES):
            return None
    return match.group(0)


def _leading_dashes(line: str) -> str | None:
    # CNN's old pages left the dash of a removed dateline: "--The death of Queen Elizabeth II ...".
    match = re.match(r"(?:--|—|–)\s*(?=[A-Z“\"‘'])", line)
    return match.group(0) if match else None


def _strip_tail(lines: _Lines, known: set[str]) -> None:
    index = max((i for i, kept in enumerate(lines.kept) if kept), default=None)
    reporters = known | {_key(name) for name in lines.names}
    seen = 0
    while index is not None and seen < _TAIL_LINES:
        line = lines.text[index].strip()
        if len(line) > 400:
            break
        kind = _tail_kind(line, reporters)
        if kind is None and len(sentences := split_sentences(line)) > 1:
            # A line of several such sentences: "Jane Roe contributed to this report. Follow John Doe on Twitter."
            kinds = [_tail_kind(s.text, reporters) or _anywhere_kind(s.text, []) for s in sentences]
            kind = kinds[0] if all(kinds) else None
        if kind is None:
            break
        lines.remove(index, kind)
        seen += 1
        index = max((i for i in range(index) if lines.kept[i]), default=None)


def _tail_kind(line: str, reporters: set[str]) -> str | None:
    bio = BIO.fullmatch(line)
    if CONTACT.fullmatch(line) or BIO_WITH_CONTACT.fullmatch(line) or (bio and _key(bio["name"]) in reporters):
        return "bio"
    if REPORTED_FROM.fullmatch(line) or COMPILED.fullmatch(line):
        return "contributors"
    return None
