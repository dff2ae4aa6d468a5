"""A photo gallery's date: the latest day its captions tell, when that is later than the date it was filed under.

A news page is dated when it is published, and a later day it names is a plan or a forecast ("the final is on
Sunday, November 6"). A photo gallery is different: its pages are filed once, under the date in their URL, and then
grow as the story goes on, every caption telling a moment that has already been photographed. CNN's World Series
gallery is filed under 28 October; by the time it was collected its first caption read "The Houston Astros celebrate
their World Series win … on Saturday, November 5". Dated 28 October, it answered "Who won the World Series?" asked
on 3 November, before the last game was played, and time travel with ``as_of`` is only as good as the dates.

So a gallery is dated by the latest day its text tells, and remembers the date it was filed under in its metadata
(``filed_at``). Days are read as people write them ("November 5", "Saturday, Nov. 5", "5 November 2022"). A day
written without a year takes the year of the last full date before it in the text ("on 31 August 1997 … By 10
September"), else the year the page was filed in. Days before the filing date, more than a year after it, or in a
sentence that looks ahead ("will", "is scheduled to") change nothing.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from index.text import MONTH_DAY, month_day, split_sentences

if TYPE_CHECKING:  # only for annotations: index.articles imports index.cleaning, which imports this module
    from index.articles import Article

# Where publishers file galleries: a part of the URL's path of their own ("/gallery/", "/picture-gallery/"). A slug
# that merely holds the word ("/new-gallery-opens-in-london/") is an article.
_GALLERY_PATH = re.compile(r"/(?:picture-|photo-)?galler(?:y|ies)/|/in-pictures/|/photos/")
# How galleries are headlined: "Photos: …", "In pictures: …", "Photos this week: …".
_GALLERY_TITLE = re.compile(r"^(?:photos|pictures|in pictures|in photos|gallery)(?: this week)?\s*:", re.IGNORECASE)
# A sentence about what is to come names days that have not happened yet.
_AHEAD = re.compile(
    r"\b(?:will|would|shall|scheduled|expected|planned|plans?|set to|due to|upcoming|next)\b", re.IGNORECASE
)
# How far after its filing date a gallery's captions are believed: one about the year's events ("People we lost in
# 2022") grows for a year.
_LONGEST_GROWTH = timedelta(days=366)


def is_gallery(article: Article) -> bool:
    """True when the article is a photo gallery, by its URL or its headline.

    Example:
        >>> from index.articles import Article
        >>> is_gallery(Article(article_id="a", text="x", url="https://www.cnn.com/2022/10/28/sport/gallery/world-series"))
        True
        >>> is_gallery(Article(article_id="b", text="x", title="Photos show notes Trump flushed"))
        False
    """
    path = urlparse(article.url or "").path.lower()
    return bool(_GALLERY_PATH.search(path) or _GALLERY_TITLE.match(article.title or ""))


def latest_day_told(text: str, filed: datetime) -> datetime | None:
    """The latest day ``text`` tells that is after ``filed`` (and at most a year after it), at midnight UTC.

    Example:
        >>> filed = datetime(2022, 10, 28, tzinfo=timezone.utc)
        >>> latest_day_told("Fans cheer in Houston on Saturday, November 5. Game 1 was on October 28.", filed)
        datetime.datetime(2022, 11, 5, 0, 0, tzinfo=datetime.timezone.utc)
        >>> latest_day_told("Game 7 will be played on November 6, if needed.", filed) is None
        True
    """
    latest = None
    year = filed.year
    for sentence in split_sentences(text):
        ahead = _AHEAD.search(sentence.text)
        for match in MONTH_DAY.finditer(sentence.text):
            month, day_of_month, written_year = month_day(match)
            if written_year:
                year = written_year  # later days written without a year are in this one
            try:
                day = datetime(year, month, day_of_month, tzinfo=timezone.utc)
            except ValueError:  # "June 31", or a number that was no day
                continue
            if not ahead and filed < day <= filed + _LONGEST_GROWTH and (latest is None or day > latest):
                latest = day
    return latest


def dated_by_captions(article: Article) -> Article:
    """The article, re-dated to the latest day its captions tell if it is a photo gallery that grew after the date
    it was filed under (kept as ``metadata["filed_at"]``); any other article as it is.

    Example:
        >>> from index.articles import Article
        >>> a = Article(article_id="ws", url="https://www.cnn.com/2022/10/28/sport/gallery/world-series-2022",
        ...             published_at=datetime(2022, 10, 28, tzinfo=timezone.utc),
        ...             text="The Houston Astros celebrate their World Series win on Saturday, November 5.")
        >>> b = dated_by_captions(a)
        >>> b.published_at.date().isoformat(), b.metadata["filed_at"]
        ('2022-11-05', '2022-10-28T00:00:00+00:00')
    """
    if article.published_at is None or not is_gallery(article):
        return article
    day = latest_day_told(article.text, article.published_at)
    if day is None:
        return article
    metadata = {**article.metadata, "filed_at": article.published_at.isoformat()}
    return article.model_copy(update={"published_at": day, "metadata": metadata})
