from datetime import datetime, timezone

import pytest

from index.articles import article_from_record, clean_text, parse_date
from index.errors import IngestError
from index.urls import source_from_url

UTC = timezone.utc


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2022/06/12", datetime(2022, 6, 12, tzinfo=UTC)),
        ("2022-06-12T08:30:00Z", datetime(2022, 6, 12, 8, 30, tzinfo=UTC)),
        ("2022-06-12T10:30:00+02:00", datetime(2022, 6, 12, 8, 30, tzinfo=UTC)),
        ("Sun, 12 Jun 2022 08:30:00 GMT", datetime(2022, 6, 12, 8, 30, tzinfo=UTC)),
        ("Sun, 12 Jun 2022 11:30:00 +0300", datetime(2022, 6, 12, 8, 30, tzinfo=UTC)),
        ("26-FEB-1987 15:01:01.79", datetime(1987, 2, 26, 15, 1, 1, 790000, tzinfo=UTC)),
        ("27-MAR-1987 00:02:59.13RM", datetime(1987, 3, 27, 0, 2, 59, 130000, tzinfo=UTC)),
        ("3-MAR-1987  09:15:05.40", datetime(1987, 3, 3, 9, 15, 5, 400000, tzinfo=UTC)),
        (1655022600, datetime(2022, 6, 12, 8, 30, tzinfo=UTC)),
        (1655022600000, datetime(2022, 6, 12, 8, 30, tzinfo=UTC)),
        ("June 12, 2022", datetime(2022, 6, 12, tzinfo=UTC)),
    ],
)
def test_parse_date_styles_to_aware_utc(raw, expected):
    parsed = parse_date(raw)
    assert parsed == expected
    assert parsed.tzinfo == UTC, "normalised to UTC, not only the same instant"


def test_parse_date_rejects_garbage():
    with pytest.raises(ValueError, match="unparseable date 'next tuesday-ish'"):
        parse_date("next tuesday-ish")


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://www.cnn.com/2022/06/12/x.html", "CNN"),
        ("https://e.newsletters.cnn.com/x", "CNN"),
        ("https://www.usatoday.com/story/x", "USA Today"),
        ("https://www.theweek.co.uk/news", "The Week"),
        ("https://news.bbc.co.uk/x", "BBC"),
        ("https://www.example-times.com/a", "Example Times"),
        ("https://abc.net.au/news", "ABC"),
        (None, None),
        ("not a url", None),
    ],
)
def test_source_from_url(url, source):
    assert source_from_url(url) == source


def test_clean_text_normalises_and_drops_furniture():
    raw = "  Markets&nbsp;rose   today.\r\n\r\nAdvertisement\r\n\n\nShares of\nAcme jumped.  \n\n Reuter\n"
    assert clean_text(raw) == "Markets rose today.\n\nShares of Acme jumped."


def test_clean_text_rejoins_hard_wrapped_wire_copy():
    raw = "Showers continued throughout the week in\nthe Bahia cocoa zone.\n&\\tThe dry period means delays."
    assert (
        clean_text(raw)
        == "Showers continued throughout the week in the Bahia cocoa zone.\n\nThe dry period means delays."
    )


def test_record_field_names_are_mapped():
    article = article_from_record(
        {
            "headline": "Title here",
            "body": "Body text.",
            "publish_date": "2022/06/12",
            "link": "https://www.cnn.com/a",
            "author": "By Jane Doe and John Roe",
            "topics": ["cocoa", "trade"],
            "newid": 42,
        }
    )
    assert article.article_id == "42"
    assert article.title == "Title here"
    assert article.text == "Body text."
    assert article.published_at == datetime(2022, 6, 12, tzinfo=UTC)
    assert article.source == "CNN", "publisher comes from the URL when the record names none"
    assert article.authors == ("Jane Doe", "John Roe")
    assert article.metadata == {"topics": "cocoa, trade"}


def test_record_without_id_gets_stable_id_from_url():
    one = article_from_record({"text": "A.", "url": "https://x.example/a"})
    two = article_from_record({"text": "B, edited.", "url": "https://x.example/a"})
    assert one.article_id == two.article_id, "same URL, same article: an edit updates it"


def test_record_that_is_not_news_is_rejected_with_fields_named():
    with pytest.raises(IngestError, match=r"no article text \(fields: foo\)"):
        article_from_record({"foo": 1})


def test_record_with_bad_date_names_field_and_fix():
    with pytest.raises(IngestError, match=r"unparseable date 'yesterday-ish' in field 'date'; use ISO 8601"):
        article_from_record({"text": "x", "date": "yesterday-ish"})


def test_headline_only_record_is_kept():
    article = article_from_record(
        {"title": "U.S. CRUDE PRICES RAISED", "body": None, "date": "26-FEB-1987 15:01:01.79"}
    )
    assert article.text == "U.S. CRUDE PRICES RAISED"


def test_exact_duplicates_share_text_hash_despite_whitespace_and_case():
    a = article_from_record({"text": "Oil  rose.\n\nGas fell.", "url": "https://a.example/1"})
    b = article_from_record({"text": "oil rose. gas fell.", "url": "https://b.example/2"})
    assert a.text_hash == b.text_hash
    assert a.content_hash != b.content_hash
