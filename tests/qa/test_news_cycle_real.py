"""The time preference through the real ingest pipeline, archive (chromadb, tantivy) and embedding model: within the
news cycle the report that states the facts outranks a fresher follow-up, and last year's figures published this
week outrank last year's news."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from qa.filters import SearchFilters

FIXTURE_ARTICLES = Path(__file__).parents[1] / "fixtures" / "articles.jsonl"

REPORT = {
    "id": "report", "title": "Team Halvard wins the Lake Orwen rowing regatta", "source": "Wire A",
    "published_at": "2022-08-09T12:00:00Z",
    "text": "Team Halvard won the Lake Orwen rowing regatta on Tuesday, finishing two lengths ahead of Team Brisk "
            "in the final race of the season.",
}
FOLLOW_UP = {
    "id": "follow-up", "title": "Crowds at the Lake Orwen regatta were the largest in years", "source": "Wire B",
    "published_at": "2022-08-11T18:00:00Z",
    "text": "Organisers of the Lake Orwen rowing regatta said this week's crowds were the largest in years and "
            "plan a bigger event next summer.",
}
LAST_SUMMER = {
    "id": "2021", "title": "Share of babies born outside marriage in Veltria rises", "source": "Wire A",
    "published_at": "2021-07-29T09:00:00Z",
    "text": "Figures published on Thursday show that 49.2% of babies in Veltria were born outside marriage last year, "
            "up from 48.1%.",
}
THIS_WEEK = {
    "id": "2022", "title": "Most babies in Veltria now born outside marriage", "source": "Wire B",
    "published_at": "2022-08-10T09:00:00Z",
    "text": "For the first time, 51.3% of babies in Veltria were born outside marriage last year, figures published "
            "on Wednesday show.",
}


@pytest.fixture(scope="module")
def archive(build_shared_archive):
    return build_shared_archive(FIXTURE_ARTICLES, records=(REPORT, FOLLOW_UP, LAST_SUMMER, THIS_WEEK))


@pytest.mark.parametrize("question", ["Who won the Lake Orwen rowing regatta?",
                                      "Who won the Lake Orwen rowing regatta this week?"])
def test_the_report_of_the_cycle_outranks_a_fresher_follow_up(archive, question):
    hits = archive.desk().search(question, SearchFilters(as_of=datetime(2022, 8, 11, 23, 59, tzinfo=UTC)), k=5)
    ids = [h.article_id for h in hits]
    assert ids.index("report") < ids.index("follow-up"), ids
    archive.check_unchanged()


def test_last_years_figures_published_this_week_outrank_last_years_news(archive):
    hits = archive.desk().search("What share of babies in Veltria were born outside marriage last year?",
                                 SearchFilters(as_of=datetime(2022, 8, 12, 23, 59, tzinfo=UTC)), k=5)
    ids = [h.article_id for h in hits]
    assert ids.index("2022") < ids.index("2021"), ids
    archive.check_unchanged()
