"""The Article model and the normalisation every loader shares.

Loaders turn raw records into :class:`Article` through :func:`article_from_record`, so
field-name mapping, date parsing, text cleaning and publisher naming happen in one place.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
import warnings
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from dateutil import parser as date_parser
from pydantic import BaseModel, ConfigDict, Field

from index.cleaning import as_stored, is_headline_only
from index.errors import IngestError
from index.furniture import FURNITURE_LINE
from index.urls import source_from_url, title_from_url

# Field names seen in real archives, best first. The first non-empty one wins.
TEXT_FIELDS = ("text", "body", "content", "article", "article_text", "full_text", "description", "summary")
TITLE_FIELDS = ("title", "headline", "name")
DATE_FIELDS = ("published_at", "publish_date", "published", "pubdate", "date", "datetime", "timestamp", "created_at")
SOURCE_FIELDS = ("source", "publisher", "site", "site_name", "outlet", "source_name")
URL_FIELDS = ("url", "link", "href", "permalink")
AUTHOR_FIELDS = ("authors", "author", "byline", "creator")
ID_FIELDS = ("article_id", "id", "doc_id", "newid", "guid")
LANGUAGE_FIELDS = ("language", "lang")
_KNOWN_FIELDS = {
    *TEXT_FIELDS,
    *TITLE_FIELDS,
    *DATE_FIELDS,
    *SOURCE_FIELDS,
    *URL_FIELDS,
    *AUTHOR_FIELDS,
    *ID_FIELDS,
    *LANGUAGE_FIELDS,
}

_SLASHED_DATE = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
# Reuters-21578 stamps: "26-FEB-1987 15:01:01.79", often followed by desk codes ("RM", "T C") or notes.
_WIRE_STAMP = re.compile(r"^(\d{1,2}-[A-Za-z]{3}-\d{4})(?:\s+(\d{1,3}:\d\d:\d\d(?:\.\d+)?))?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Reuters-21578 marks paragraphs with a literal "&\t" left over from its SGML.
_WIRE_PARAGRAPH = re.compile(r"\s*&\\t")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")

# Bounds on one record, far above real news, so a hostile record is refused with a reason, not stalling or crashing
# the batch. The longest article in the shared archives is 100,000 characters (RealTimeQA, cut there; Reuters-21578:
# 13,369); chunking 300,000 takes seconds, and llama-index's sentence splitter gives up (a 5 s regex limit) on
# a million. Over the bound an article is refused, not cut short, which would store and cite it as if whole.
MAX_ARTICLE_CHARS = 300_000
MAX_TITLE_CHARS = 5_000  # headlines run under 300 characters; a title of pages is a mis-mapped field
# Real records nest a few levels (authors, {"source": {"name": ...}}); thousands would exhaust Python's recursion.
MAX_NESTING_DEPTH = 32


class Article(BaseModel):
    """One news item, normalised.

    Example:
        >>> a = Article(article_id="a1", text="Markets rose.", url="https://www.cnn.com/x")
        >>> a.source is None
        True
    """

    model_config = ConfigDict(frozen=True)

    article_id: str = Field(description="Stable id: the record's own id, else a hash of the URL, else of the text.")
    title: str | None = Field(default=None, description="Headline, if the record has one.")
    text: str = Field(description="Cleaned body text; paragraphs separated by blank lines.")
    source: str | None = Field(default=None, description="Publisher name, e.g. 'CNN'.")
    url: str | None = Field(default=None, description="Where the article was published.")
    published_at: datetime | None = Field(default=None, description="Publication time, timezone-aware UTC.")
    authors: tuple[str, ...] = Field(default=(), description="Bylines, in record order.")
    language: str | None = Field(default=None, description="Language code if the record gives one.")
    metadata: dict[str, str | int | float | bool] = Field(
        default_factory=dict, description="Other scalar fields of the record, kept for filtering."
    )

    @property
    def text_hash(self) -> str:
        """Hash of the normalised text: two articles with the same one are exact duplicates."""
        return _sha(" ".join(self.text.lower().split()))

    @property
    def content_hash(self) -> str:
        """Hash of everything stored: a change means the article must be re-indexed."""
        return _sha(self.model_dump_json())

    @property
    def headline_only(self) -> bool:
        """True when the text is no more than the headline (a feed stub, a URL alone, a page that was all
        furniture): such an item says what happened in a few words, but never outranks reporting."""
        return is_headline_only(self.text, self.title, title_from_url(self.url))


def _sha(value: str) -> str:
    return hashlib.sha1(value.encode("utf-8")).hexdigest()


def clean_text(raw: str) -> str:
    """Normalise whitespace, entities and page furniture, keeping paragraph breaks.

    Example:
        >>> clean_text("Hello&nbsp; world\\n\\n\\nAdvertisement\\n Next  line ")
        'Hello world\\n\\nNext line'
    """
    text = unicodedata.normalize("NFC", html.unescape(raw)).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub(" ", text)
    text = _WIRE_PARAGRAPH.sub("\n\n", text)
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [_SPACES.sub(" ", line).strip() for line in block.split("\n")]
        lines = [line for line in lines if line and not FURNITURE_LINE.match(line)]
        if lines:
            paragraphs.append(_join_wrapped(lines))
    return "\n\n".join(paragraphs)


def _join_wrapped(lines: list[str]) -> str:
    # Hard-wrapped copy (Reuters) breaks sentences mid-line: a line that does not end a sentence
    # continues on the next one. Lines that do end one stay separate (lists, datelines).
    out = lines[0]
    for line in lines[1:]:
        out += ("\n" if out.endswith(_SENTENCE_END) else " ") + line
    return out


_SENTENCE_END = (".", "!", "?", ":", '"', "”", ")", "'")


def parse_date(value: Any) -> datetime | None:
    """Parse the date styles of real archives to timezone-aware UTC.

    Accepts ``2022/06/12``, ISO 8601, RFC 822 (feeds), Reuters' ``26-FEB-1987 15:01:01.79``,
    epoch seconds and ``datetime``. Naive times are taken as UTC.

    Raises:
        ValueError: the value is not a date newsdesk can read.

    Example:
        >>> parse_date("26-FEB-1987 15:01:01.79").isoformat()
        '1987-02-26T15:01:01.790000+00:00'
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value  # milliseconds are common in JSON exports
        try:
            parsed = datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError) as exc:  # beyond year 9999, NaN, infinity
            raise ValueError(f"unparseable date {value!r}") from exc
    elif isinstance(value, str):
        parsed = _parse_date_string(value.strip())
    else:
        raise ValueError(f"unparseable date {value!r}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _parse_date_string(value: str) -> datetime:
    if re.fullmatch(r"\d{9,13}(\.\d+)?", value):
        return parse_date(float(value))  # type: ignore[return-value]
    if match := _SLASHED_DATE.fullmatch(value):  # the fast path for archives like RealTimeQA
        return datetime(*map(int, match.groups()))
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value)  # RFC 822, as in RSS
    except (TypeError, ValueError, IndexError):
        pass
    if wire := _WIRE_STAMP.match(value):
        day, clock = wire.groups()
        try:
            return datetime.strptime(f"{day} {clock}", "%d-%b-%Y %H:%M:%S.%f")
        except (TypeError, ValueError):
            return datetime.strptime(day, "%d-%b-%Y")  # a garbled clock ("605:12:19") still has its day
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", date_parser.UnknownTimezoneWarning)
            return date_parser.parse(value, dayfirst=False, yearfirst=True)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"unparseable date {value!r}") from exc


def _first(record: Mapping[str, Any], names: tuple[str, ...]) -> tuple[str | None, Any]:
    lowered = {str(k).lower(): k for k in record}
    for name in names:
        key = lowered.get(name)
        if key is not None and record[key] not in (None, "", [], {}):
            return str(key), record[key]
    return None, None


def _as_text(value: Any) -> str:
    if isinstance(value, Mapping):  # feeds and some exports nest {"value": ...} or {"name": ...}
        value = value.get("value") or value.get("name") or value.get("title") or ""
    if isinstance(value, (list, tuple)):
        return "\n\n".join(_as_text(v) for v in value if v)
    return str(value)


def _authors(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = (
        value
        if isinstance(value, (list, tuple))
        else re.split(r"\s*(?:;|\band\b|,(?=\s*[A-Z][a-z]+\s))\s*", _as_text(value))
    )
    names = (re.sub(r"^by\s+", "", _as_text(v).strip(), flags=re.IGNORECASE) for v in items)
    return tuple(n for n in names if n)


def article_from_record(record: Mapping[str, Any], *, default_source: str | None = None) -> Article:
    """Build an Article from one raw record, mapping the common field names and removing bylines, datelines and
    page furniture from its text and dating a photo gallery by its captions (:func:`index.cleaning.as_stored`).

    Args:
        record: a JSON object, CSV row or feed entry.
        default_source: publisher to use when neither the record nor its URL names one.

    Raises:
        IngestError: the record holds no article text, its date cannot be read, or it is past a bound
            (:data:`MAX_ARTICLE_CHARS`, :data:`MAX_TITLE_CHARS`, :data:`MAX_NESTING_DEPTH`).

    Example:
        >>> a = article_from_record({"headline": "Hi", "body": "Text.", "date": "2022/06/12"})
        >>> (a.title, a.published_at.isoformat())
        ('Hi', '2022-06-12T00:00:00+00:00')
    """
    if not isinstance(record, Mapping):
        raise IngestError(f"expected a JSON object per article, got {type(record).__name__}")
    if nesting_depth(record) > MAX_NESTING_DEPTH:
        raise IngestError(
            f"record nested more than {MAX_NESTING_DEPTH} levels deep; news records nest a few, flatten it"
        )
    _, raw_text = _first(record, TEXT_FIELDS)
    _, raw_title = _first(record, TITLE_FIELDS)
    title = _clean_field(raw_title, MAX_TITLE_CHARS, "title") or None
    text = _clean_field(raw_text, MAX_ARTICLE_CHARS, "article text")
    _, url = _first(record, URL_FIELDS)
    url = _as_text(url).strip() if url is not None else None
    # News URLs carry the headline in their slug; an untitled record still gets a searchable title.
    title = title or title_from_url(url)
    if not text and title:
        text = title  # headline-only items (Reuters briefs, pages whose body was all furniture) are still news
    if not text:
        fields = ", ".join(" ".join(str(name).split())[:40] for name in sorted(map(str, record))[:8]) or "none"
        raise IngestError(
            f"no article text (fields: {fields}); expected one of {', '.join(TEXT_FIELDS[:4])} or a title"
        )
    date_key, raw_date = _first(record, DATE_FIELDS)
    try:
        published_at = parse_date(raw_date)
    except ValueError as exc:
        raise IngestError(f"{exc} in field '{date_key}'; use ISO 8601 like 2022-06-12 or remove the field") from exc
    _, source = _first(record, SOURCE_FIELDS)
    source_name = clean_text(_as_text(source)) if source is not None else None
    _, raw_id = _first(record, ID_FIELDS)
    article_id = str(raw_id).strip() if raw_id is not None else _sha(url or text)[:16]
    _, language = _first(record, LANGUAGE_FIELDS)
    _, authors = _first(record, AUTHOR_FIELDS)
    article = Article(
        article_id=article_id,
        title=title,
        text=text,
        source=source_name or source_from_url(url) or default_source,
        url=url or None,
        published_at=published_at,
        authors=_authors(authors),
        language=str(language) if language is not None else None,
        metadata=_extra_metadata(record),
    )
    # Bylines and page furniture are removed from the stored text, which chunks and citation offsets are cut from;
    # a gallery that grew after its filing date gets the date its captions tell, which as_of filters by.
    return as_stored(article)


def nesting_depth(value: Any) -> int:
    """How deeply lists and mappings nest in ``value`` (a scalar is 0), counted without recursion.

    Example:
        >>> nesting_depth({"a": [1, {"b": 2}]}), nesting_depth("x")
        (3, 0)
    """
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_NESTING_DEPTH:
            return deepest  # deep enough to refuse; no need to walk the rest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _clean_field(raw: Any, limit: int, what: str) -> str:
    value = _as_text(raw) if raw is not None else ""
    if len(value) > limit:  # checked before cleaning, which is what a huge field would stall
        raise IngestError(
            f"{what} is {len(value):,} characters, over the {limit:,} newsdesk reads (far above any news article); "
            "split it into articles or fix the field mapping"
        )
    return clean_text(value)


def _extra_metadata(record: Mapping[str, Any]) -> dict[str, str | int | float | bool]:
    extra: dict[str, str | int | float | bool] = {}
    for key, value in record.items():
        name = str(key)
        if name.lower() in _KNOWN_FIELDS or value in (None, "", [], {}):
            continue
        if isinstance(value, (str, int, float, bool)):
            extra[name] = value if not isinstance(value, str) else value[:500]
        elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            extra[name] = ", ".join(value)[:500]  # chroma metadata holds scalars only
        else:
            extra[name] = json.dumps(value, ensure_ascii=False, default=str)[:500]
    return extra
