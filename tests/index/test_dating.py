"""A photo gallery is dated by the latest day its captions tell (index.dating): CNN's World Series gallery, filed
under 28 October with a first caption from 5 November, answered "Who won the World Series?" asked before the last
game. Other pages, and days that are plans, earlier years or past a year, keep the date the page was filed under."""

from datetime import UTC, datetime

import pytest

from index.articles import Article, article_from_record
from index.dating import dated_by_captions, is_gallery, latest_day_told

FILED = datetime(2022, 10, 28, tzinfo=UTC)
WORLD_SERIES = {
    "id": "ws", "url": "https://www.cnn.com/2022/10/28/sport/gallery/world-series-2022", "publish_date": "2022/10/28",
    "text": "The Houston Astros celebrate their World Series win against the Philadelphia Phillies in Houston, Texas, "
            "on Saturday, November 5.\n\nThe Houston Astros are World Series champions once again after defeating "
            "the Philadelphia Phillies in six games.",
}


def test_a_gallery_is_stored_with_the_day_its_latest_caption_tells():
    article = article_from_record(WORLD_SERIES)
    assert article.published_at == datetime(2022, 11, 5, tzinfo=UTC)
    assert article.metadata["filed_at"] == "2022-10-28T00:00:00+00:00", "the date it was filed under is kept"


def test_an_article_naming_a_later_day_keeps_its_date():
    preview = {**WORLD_SERIES, "url": "https://www.cnn.com/2022/10/28/sport/world-series-preview/index.html"}
    assert article_from_record(preview).published_at == FILED, "an article's later days are plans, not updates"


@pytest.mark.parametrize(("url", "title"), [
    ("https://www.cnn.com/2022/10/28/sport/gallery/world-series-2022", None),
    ("https://www.usatoday.com/picture-gallery/sports/mlb/2022/10/28/world-series/1/", None),
    ("https://www.theweek.co.uk/news/957667/in-pictures-a-year-of-taliban-rule", "In pictures: A year of Taliban rule"),
    (None, "Photos this week: June 16-June 23, 2022"),
])
def test_galleries_are_known_by_their_url_or_headline(url, title):
    assert is_gallery(Article(article_id="g", text="x", url=url, title=title))


@pytest.mark.parametrize(("url", "title"), [
    ("https://www.cnn.com/2022/07/01/arts/new-gallery-opens-in-london/index.html", "A new gallery opens in London"),
    ("https://www.cnn.com/2022/08/08/politics/trump-notes-toilet-photos-cnntv/index.html",
     "Photos show handwritten notes that Trump appears to have flushed"),
])
def test_an_article_about_a_gallery_or_photos_is_no_gallery(url, title):
    assert not is_gallery(Article(article_id="a", text="x", url=url, title=title))


@pytest.mark.parametrize(("text", "day"), [
    ("Fans in Houston on Saturday, November 5.", datetime(2022, 11, 5, tzinfo=UTC)),
    ("Crowds on 6 Nov. 2022 and on Nov. 2.", datetime(2022, 11, 6, tzinfo=UTC)),
    # a day without its year is in the year of the last full date before it, in another paragraph too
    ("Diana died on 31 August 1997.\n\nBy 10 November, the flowers were five feet deep.", None),
    ("Game 7 is scheduled for November 6. Game 6 is on November 5.", datetime(2022, 11, 5, tzinfo=UTC)),
    ("Game 1 was on October 28, Game 2 on October 29.", datetime(2022, 10, 29, tzinfo=UTC)),
    ("The first parade was on October 27.", None),  # before it was filed
    ("Her reign began on February 6, 1952.", None),
    ("The memorial is on November 5, 2024.", None),  # more than a year after it was filed: no caption of this page
    ("The fans chanted on November 31.", None),  # no such day
])
def test_the_latest_day_told_after_the_filing_date(text, day):
    assert latest_day_told(text, FILED) == day


def test_an_undated_gallery_is_left_undated():
    article = Article(article_id="u", text="Fans on Saturday, November 5.", url=WORLD_SERIES["url"])
    assert dated_by_captions(article) is article
