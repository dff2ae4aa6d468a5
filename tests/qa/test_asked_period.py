"""A question about its own week is answered from that week's news. "Which major holiday did India celebrate this
week?" (asked 18 August 2022) was answered "Eid al-Adha [3]" from a 7 July story that said Muslims would celebrate
it "this week": another week. Through the real ingest pipeline, archive and embedding model; the articles are
written for this test.
"""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from qa import FakeLLM

FIXTURE_ARTICLES = Path(__file__).parents[1] / "fixtures" / "articles.jsonl"
EID = {
    "id": "eid-preview",
    "title": "When is Eid al-Adha 2022? How the holiday is celebrated",
    "publish_date": "2022/07/07",
    "text": "Millions of Muslims worldwide this week will celebrate Eid al-Adha, a major holiday marked in India, "
            "Pakistan and beyond with prayers and feasts.\n\nThe holiday commemorates Abraham's faithfulness.",
}
INDEPENDENCE = {
    "id": "india-75",
    "title": "India celebrates 75 years of independence",
    "publish_date": "2022/08/15",
    "text": "India celebrated its 75th Independence Day on Monday, a major holiday, with Prime Minister Narendra Modi "
            "raising the flag at the Red Fort in Delhi.\n\nCrowds filled the streets of cities across the country.",
}
ASKED = datetime(2022, 8, 18, 23, 59, tzinfo=UTC)
QUESTION = "Which major holiday did India celebrate this week?"


@pytest.fixture(scope="module")
def archive(build_shared_archive):
    return build_shared_archive(FIXTURE_ARTICLES, records=(EID, INDEPENDENCE))


def _prompt(desk) -> str:
    return " ".join(message.content for prompt in desk.llm.prompts for message in prompt)


def test_an_older_week_is_no_evidence_for_this_one(archive):
    desk = archive.desk()
    desk.llm = FakeLLM(["Eid al-Adha [1]."])
    answer = desk.ask(QUESTION, as_of=ASKED, exclude=["india-75"])
    assert answer.abstained and not desk.llm.prompts, "the model never reads a story of another week as this one's"
    assert answer.reason == ("the question asks about this week, and the closest articles are older: the newest is "
                             "from 2022-07-07")
    assert answer.hits and answer.hits[0].article_id == "eid-preview", "the closest passages are still shown"
    archive.check_unchanged()


def test_this_weeks_story_answers_and_the_older_one_is_left_out(archive):
    desk = archive.desk()
    desk.llm = FakeLLM(["India celebrated its 75th Independence Day [1]."])
    answer = desk.ask(QUESTION, as_of=ASKED)
    assert {h.article_id for h in answer.hits} >= {"eid-preview", "india-75"}
    assert "Independence Day" in _prompt(desk) and "Eid al-Adha" not in _prompt(desk)
    assert not answer.abstained and [c.article_id for c in answer.citations] == ["india-75"]


def test_a_scene_set_this_week_leaves_background_to_older_stories(archive):
    desk = archive.desk()
    desk.llm = FakeLLM(["Eid al-Adha [1]."])
    desk.ask("India marked a holiday this week. Which holiday did Muslims celebrate in July?", as_of=ASKED)
    assert "Eid al-Adha" in _prompt(desk), "the asking sentence names no period of its own"
