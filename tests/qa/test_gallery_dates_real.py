"""Time travel through a photo gallery that grew after the date it was filed under, through the real ingest
pipeline, archive (chromadb, tantivy) and MiniLM: asked before the last game, "Who won the World Series?" must not
find the gallery whose first caption shows the winners celebrating (docs/eval/later-weeks, "Still wrong"), while a
preview filed the same day, which names the same day as a plan, stays in time."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from qa.filters import SearchFilters

FIXTURE_ARTICLES = Path(__file__).parents[1] / "fixtures" / "articles.jsonl"

GALLERY = {
    "id": "gallery", "url": "https://www.cnn.com/2022/10/28/sport/gallery/world-series-2022",
    "publish_date": "2022/10/28",
    "text": "The Houston Astros celebrate their World Series win against the Philadelphia Phillies in Houston, Texas, "
            "on Saturday, November 5.\n\nThe Houston Astros are World Series champions once again after defeating "
            "the Philadelphia Phillies in six games.",
}
PREVIEW = {
    "id": "preview", "title": "World Series 2022: Astros and Phillies meet in Game 1",
    "url": "https://www.cnn.com/2022/10/28/sport/world-series-game-1-preview/index.html",
    "publish_date": "2022/10/28",
    "text": "The Houston Astros host the Philadelphia Phillies in Game 1 of the World Series on Friday. If the series "
            "goes the distance, Game 7 will be played on Saturday, November 5.",
}


@pytest.fixture(scope="module")
def archive(build_shared_archive):
    return build_shared_archive(FIXTURE_ARTICLES, records=(GALLERY, PREVIEW))


def _found(archive, as_of: datetime) -> dict[str, datetime | None]:
    hits = archive.desk().search("Who won the World Series?", SearchFilters(as_of=as_of), k=10)
    return {h.article_id: h.article.published_at for h in hits}


def test_a_gallery_is_found_only_from_the_day_its_latest_caption_tells(archive):
    early = _found(archive, datetime(2022, 11, 3, 23, 59, tzinfo=UTC))
    assert "gallery" not in early, "asked before the last game, the winners' photos are not yet in the archive"
    assert early["preview"] == datetime(2022, 10, 28, tzinfo=UTC), "an article keeps its date"
    late = _found(archive, datetime(2022, 11, 6, 23, 59, tzinfo=UTC))
    assert late["gallery"] == datetime(2022, 11, 5, tzinfo=UTC), "shown with the day its captions reach"
    archive.check_unchanged()
