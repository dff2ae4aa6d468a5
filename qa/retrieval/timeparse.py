"""Time expressions in questions, resolved against the question's ``as_of`` date.

Explicit periods ("in June 2022", "yesterday", "last month", "in 2021", "3 days ago") become a date window that
articles inside it are preferred by (never a filter). Vague ones ("recently", "this week", "latest", "now") become a
recency preference: the newest articles before ``as_of`` rank higher, but nothing is excluded.

A period that is still open, or closed no longer ago than it lasted ("last year" asked in August, "last month"),
is reported on after it ends: annual figures come out months later. Its window then reaches ``as_of`` and the
preference for recent news stays on. A period further back ("in June 2016") replaces it. A period that is only
the baseline of a comparison ("compared to a year ago", "than a year ago") is not about the events asked for,
and sets no window.
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime, timedelta, timezone

from pydantic import BaseModel, ConfigDict, Field

from index.text import MONTH_NAMES, MONTHS, asking_sentence

_UNITS = {"day": 1, "week": 7, "month": 30, "year": 365}
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "a": 1, "an": 1, "few": 3}

_MONTH_YEAR = re.compile(rf"\b(?:in |during |of )?({MONTH_NAMES})\.?,? (\d{{4}})\b", re.IGNORECASE)
_DAY_MONTH_YEAR = re.compile(rf"\b(?:on )?(\d{{1,2}}) ({MONTH_NAMES})\.?,? (\d{{4}})\b", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(rf"\b(?:on )?({MONTH_NAMES})\.? (\d{{1,2}})(?:st|nd|rd|th)?,? (\d{{4}})\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:in|during|of) (\d{4})\b", re.IGNORECASE)
_AGO = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|a|an|few) (day|week|month|year)s? ago\b", re.IGNORECASE)
# "compared to a year ago", "up from a month ago": the period is the comparison's baseline, not the news asked for.
_COMPARED = re.compile(r"\b(?:compared (?:to|with)|than|from|versus|vs\.?|over|since)\s+$", re.IGNORECASE)
# Vague cues that name a period of their own: within it, every article is this week's news.
_WEEK_CUE = re.compile(r"\b(?:this|last|past|this past) week\b", re.IGNORECASE)
_PAST = re.compile(r"\b(?:past|last) (\d+|two|three|four|five|six|seven|few) (day|week|month|year)s\b", re.IGNORECASE)
_VAGUE = re.compile(
    r"\b(recent(ly)?|latest|newest|this week|last week|past week|this past week|currently|now|so far|"
    r"this weekend|last weekend|just|new)\b",
    re.IGNORECASE,
)


class TimeScope(BaseModel):
    """What a question's wording says about time."""

    model_config = ConfigDict(frozen=True)

    since: datetime | None = Field(None, description="Start of an explicit window.")
    until: datetime | None = Field(None, description="End of an explicit window.")
    prefers_recent: bool = Field(False, description="The question asks about the latest news before as_of.")
    current: bool = Field(
        False, description="The window reaches as_of (an open or just-closed period): newer reports still rank higher."
    )
    period_days: float | None = Field(
        None, description="How long the question's own 'now' lasts ('this week': 7 days), when it names one."
    )
    matched: str | None = Field(None, description="The words that set the scope.")


def _day_start(value: datetime) -> datetime:
    return value.replace(hour=0, minute=0, second=0, microsecond=0)


def _day_end(value: datetime) -> datetime:
    return value.replace(hour=23, minute=59, second=59, microsecond=0)


def _month_window(year: int, month: int) -> tuple[datetime, datetime]:
    last = calendar.monthrange(year, month)[1]
    return datetime(year, month, 1, tzinfo=timezone.utc), datetime(year, month, last, 23, 59, 59, tzinfo=timezone.utc)


def resolve_time(question: str, as_of: datetime) -> TimeScope:
    """Read the time scope of ``question`` as asked on ``as_of``.

    Example:
        >>> now = datetime(2022, 6, 16, 12, tzinfo=timezone.utc)
        >>> s = resolve_time("What happened in June 2022?", now)
        >>> (s.since.date().isoformat(), s.until.date().isoformat())
        ('2022-06-01', '2022-06-30')
        >>> resolve_time("What did the Fed do yesterday?", now).since.date().isoformat()
        '2022-06-15'
        >>> resolve_time("Which show was recently renewed?", now).prefers_recent
        True
        >>> now = datetime(2022, 8, 12, 12, tzinfo=timezone.utc)
        >>> s = resolve_time("What share of babies were born out of wedlock last year?", now)
        >>> (s.since.date().isoformat(), s.until.date().isoformat(), s.current)
        ('2021-01-01', '2022-08-12', True)
        >>> s = resolve_time("What happened in June 2016?", now)
        >>> (s.until.date().isoformat(), s.current)
        ('2016-06-30', False)
        >>> resolve_time("Which city saw the biggest rent rise compared to a year ago?", now).since is None
        True
        >>> resolve_time("What did Russia say this week?", now).period_days
        7.0
    """
    as_of = as_of.astimezone(timezone.utc)
    scope = _read_scope(question, as_of)
    if scope.since is None or scope.until is None:
        return scope
    if as_of - scope.until <= scope.until - scope.since:
        return scope.model_copy(update={"until": max(scope.until, as_of), "current": True})
    return scope


def _read_scope(question: str, as_of: datetime) -> TimeScope:
    # The period or cue as written; resolve_time decides whether it reaches as_of.
    text = question.strip()
    if m := _DAY_MONTH_YEAR.search(text):
        day = datetime(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)), tzinfo=timezone.utc)
        return TimeScope(since=day, until=_day_end(day), matched=m.group(0))
    if m := _MONTH_DAY_YEAR.search(text):
        day = datetime(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)), tzinfo=timezone.utc)
        return TimeScope(since=day, until=_day_end(day), matched=m.group(0))
    if m := _MONTH_YEAR.search(text):
        since, until = _month_window(int(m.group(2)), MONTHS[m.group(1).lower()])
        return TimeScope(since=since, until=until, matched=m.group(0))
    lowered = text.lower()
    if re.search(r"\byesterday\b", lowered):
        day = _day_start(as_of - timedelta(days=1))
        return TimeScope(since=day, until=_day_end(day), matched="yesterday")
    if re.search(r"\btoday\b", lowered):
        return TimeScope(since=_day_start(as_of), until=as_of, matched="today")
    if re.search(r"\bthis month\b", lowered):
        return TimeScope(
            since=as_of.replace(day=1, hour=0, minute=0, second=0, microsecond=0), until=as_of, matched="this month"
        )
    if re.search(r"\blast month\b", lowered):
        previous = as_of.replace(day=1) - timedelta(days=1)
        since, until = _month_window(previous.year, previous.month)
        return TimeScope(since=since, until=until, matched="last month")
    if re.search(r"\bthis year\b", lowered):
        return TimeScope(since=datetime(as_of.year, 1, 1, tzinfo=timezone.utc), until=as_of, matched="this year")
    if re.search(r"\blast year\b", lowered):
        year = as_of.year - 1
        return TimeScope(
            since=datetime(year, 1, 1, tzinfo=timezone.utc),
            until=datetime(year, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
            matched="last year",
        )
    if (m := _AGO.search(text)) and not _COMPARED.search(text[: m.start()]):
        count = _count(m.group(1))
        days = count * _UNITS[m.group(2).lower()]
        centre = as_of - timedelta(days=days)
        slack = timedelta(days=max(1, _UNITS[m.group(2).lower()] // 2))
        return TimeScope(
            since=_day_start(centre - slack), until=min(as_of, _day_end(centre + slack)), matched=m.group(0)
        )
    if m := _PAST.search(text):
        days = _count(m.group(1)) * _UNITS[m.group(2).lower()]
        return TimeScope(since=_day_start(as_of - timedelta(days=days)), until=as_of, matched=m.group(0))
    if m := _YEAR.search(text):
        year = int(m.group(1))
        if 1900 <= year <= as_of.year:
            return TimeScope(
                since=datetime(year, 1, 1, tzinfo=timezone.utc),
                until=datetime(year, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
                matched=m.group(0),
            )
    if m := _VAGUE.search(text):
        period = 7.0 if _WEEK_CUE.search(text) else None
        return TimeScope(prefers_recent=True, period_days=period, matched=m.group(0))
    return TimeScope()


def asked_since(question: str, as_of: datetime) -> tuple[datetime, str] | None:
    """The earliest a source can be published and still report what ``question`` asks, with the words that name
    the period, when its asking sentence names a current one: the period's start less its own length ("Which
    holiday did India celebrate this week?" asked on 18 August: 4 August), since an article from before the period
    can only preview it. None when the asking sentence names none: a scene set "this week" before "What year was
    her last album released?" asks for background, which older articles hold.

    Example:
        >>> now = datetime(2022, 8, 18, tzinfo=timezone.utc)
        >>> since, words = asked_since("Which holiday did India celebrate this week?", now)
        >>> since.date().isoformat(), words
        ('2022-08-04', 'this week')
        >>> asked_since("Her album came out this week. What year was her last one released?", now) is None
        True
    """
    asking = asking_sentence(question)
    scope = resolve_time(asking, as_of)
    if scope.period_days is not None and (week := _WEEK_CUE.search(asking)):
        return as_of - timedelta(days=2 * scope.period_days), week.group(0)
    if scope.current and scope.since is not None and scope.until is not None:
        return scope.since - (scope.until - scope.since), scope.matched or ""
    return None


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word.lower()]
