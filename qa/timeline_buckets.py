"""The chart of a timeline: stories counted per day, week or month, the period chosen by the span they cover."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Bucket = Literal["day", "week", "month"]


class TimelineBucket(BaseModel):
    """One bar of the timeline's chart: the matching stories published in a day, a week or a month."""

    model_config = ConfigDict(frozen=True)

    start: date = Field(description="First day of the period (a Monday for weeks, the 1st for months).")
    end: date = Field(description="Last day of the period.")
    label: str = Field(description="The period as the chart shows it: '2024-02-06', '2024-02-05' (week of), '2024-02'.")
    articles: int = Field(description="Matching stories published in the period, wire copies counted once.")


def choose_bucket(first: date, last: date) -> Bucket:
    """The chart's period for stories published from ``first`` to ``last``: days up to about six weeks, weeks up
    to a year, months beyond, so the chart has between a few and about 50 bars (months: one per month).

    Example:
        >>> choose_bucket(date(2024, 2, 6), date(2024, 2, 27)), choose_bucket(date(2024, 2, 6), date(2024, 6, 12))
        ('day', 'week')
        >>> choose_bucket(date(2022, 1, 1), date(2024, 1, 1))
        'month'
    """
    span = (last - first).days
    return "day" if span <= 45 else "week" if span <= 366 else "month"


def count_by(days: Sequence[date], bucket: Bucket | None = None) -> tuple[Bucket, list[TimelineBucket]]:
    """Count ``days`` per period, every period from the first to the last (empty ones as 0).

    Args:
        days: one publication day per story.
        bucket: the period; chosen by :func:`choose_bucket` when None.

    Example:
        >>> bucket, bars = count_by([date(2024, 2, 6), date(2024, 2, 8), date(2024, 2, 6)])
        >>> bucket, [(b.label, b.articles) for b in bars]
        ('day', [('2024-02-06', 2), ('2024-02-07', 0), ('2024-02-08', 1)])
        >>> [(b.label, b.articles) for b in count_by([date(2024, 2, 7), date(2024, 4, 1)], "month")[1]]
        [('2024-02', 1), ('2024-03', 0), ('2024-04', 1)]
    """
    if not days:
        return bucket or "day", []
    first, last = min(days), max(days)
    bucket = bucket or choose_bucket(first, last)
    counts: dict[date, int] = {}
    for day in days:
        start = _period_start(day, bucket)
        counts[start] = counts.get(start, 0) + 1
    bars = []
    start = _period_start(first, bucket)
    while start <= last:
        following = _next_period(start, bucket)
        label = start.strftime("%Y-%m") if bucket == "month" else start.isoformat()
        bars.append(TimelineBucket(start=start, end=following - timedelta(days=1), label=label,
                                   articles=counts.get(start, 0)))
        start = following
    return bucket, bars


def _period_start(day: date, bucket: Bucket) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def _next_period(start: date, bucket: Bucket) -> date:
    if bucket == "day":
        return start + timedelta(days=1)
    if bucket == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)

