"""Furniture removal over all 3,803 RealTimeQA articles (read from ../shared by path): the bylines and datelines go,
the stories stay, and cleaning twice changes nothing more (which the format migration relies on when a re-run meets
an article it already cleaned)."""

import gzip
import json
import re

import pytest
from rtqa_subset import ARTICLES

from index.articles import Article, article_from_record, clean_text
from index.cleaning import strip_furniture
from index.errors import IngestError
from index.furniture import GALLERY

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cleaned() -> list[tuple[dict, str, Article | None]]:
    """Each record, its text as stored before furniture removal, and the article stored now (None: no text)."""
    out = []
    for record in map(json.loads, gzip.open(ARTICLES, "rt", encoding="utf-8")):
        try:
            article = article_from_record(record)
        except IngestError:
            article = None
        out.append((record, clean_text(record.get("text") or ""), article))
    return out


def test_the_colombia_article_loses_its_byline_and_keeps_its_story(cleaned):
    article = next(a for r, _, a in cleaned if "colombia-elections-left-wing-candidate" in r["url"])
    assert article.text.startswith("Colombia will be governed by a leftist president for the first time")
    assert article.authors == ("Regina Garcia Cano", "Astrid Suarez")
    assert "Regina" not in article.text and "Petro" in article.text


def test_no_article_loses_its_story_and_cleaning_twice_changes_nothing(cleaned):
    emptied = []
    for record, raw, article in cleaned:
        if not raw or article is None:
            continue
        if article.headline_only:
            emptied.append(record["url"])
        else:
            # Furniture is short: no article with a story loses more than half of its text, its photo galleries
            # aside (a gallery's captions can outweigh the story: 8,300 of the 14,000 characters of CNN's Oscars
            # preview).
            assert len(article.text) > len(GALLERY.sub("", raw)) / 2, record["url"]
        assert strip_furniture(article.text, article.authors).text in (article.text, ""), record["url"]
    # The pages that were all furniture are The Week's newsletter sign-up forms, and two CNN pages whose text is
    # nothing but a photo gallery (226 captions of "Russia invades Ukraine", and another).
    galleries = [url for url in emptied if "theweek.co.uk" not in url]
    assert emptied and len(galleries) == 2, galleries
    raws = {record["url"]: raw for record, raw, _ in cleaned}
    assert all(not GALLERY.sub("", raws[url]).strip() for url in galleries), galleries


def test_datelines_are_gone_from_the_opening_lines(cleaned):
    dateline = re.compile(r".{0,60}?\((?:CNN|AP|Reuters)[\w ]*\)|.{0,60}?\bCNN(?: \w+)? —")
    left = [r["url"] for r, raw, a in cleaned if raw and a and dateline.match(a.text.split("\n")[0])]
    assert not left, left[:5]
