"""The user's report: "Who won Colombia's presidential election?" was answered "Regina Garcia Cano won Colombia's
presidential election [1]": the AP reporter in the article's byline. Through the real ingest pipeline, archive and
embedding model, the byline never reaches the passages, the model's prompt or the answer.

The article is written for this test in the shape of the AP copy USA TODAY ran (byline, outlet, dateline).
"""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from qa import FakeLLM

FIXTURE_ARTICLES = Path(__file__).parents[1] / "fixtures" / "articles.jsonl"
BYLINE = ("Regina Garcia Cano", "Astrid Suarez")
RECORD = {
    "id": "colombia-runoff",
    "url": "https://www.usatoday.com/story/news/world/2022/06/19/colombia-election-petro-wins/7680605001/",
    "title": "Colombia elections: Left-wing candidate Gustavo Petro wins",
    "publish_date": "2022/06/19",
    "text": "Regina Garcia Cano and Astrid Suarez\n\nAssociated Press\n\n"
            "BOGOTA, Colombia — Former rebel Gustavo Petro won Colombia's presidential election on Sunday, narrowly "
            "defeating real estate millionaire Rodolfo Hernández in a runoff.\n\n"
            "Petro took 50.4% of the votes and Hernández 47.3%, according to election authorities.\n\n"
            "Garcia Cano reported from Caracas, Venezuela.",
}
QUESTION = "Who won Colombia's presidential election?"


@pytest.fixture(scope="module")
def archive(build_shared_archive, tmp_path_factory):
    records = tmp_path_factory.mktemp("bylines") / "colombia.jsonl"
    records.write_text(json.dumps(RECORD) + "\n")
    return build_shared_archive(FIXTURE_ARTICLES, records)


def test_the_byline_is_stored_as_authors_not_as_text(archive):
    desk = archive.desk()
    article = desk.article("colombia-runoff")
    assert article.text.startswith("Former rebel Gustavo Petro won Colombia's presidential election")
    assert article.authors == BYLINE
    assert not any(name in article.text for name in ("Regina", "Suarez", "Associated Press", "BOGOTA"))
    archive.check_unchanged()


def test_no_passage_or_prompt_carries_the_reporters_names(archive):
    desk = archive.desk()
    desk.llm = FakeLLM(["Regina Garcia Cano won Colombia's presidential election [1]."])
    answer = desk.ask(QUESTION, as_of=datetime(2022, 6, 25, tzinfo=UTC))
    assert answer.hits and answer.hits[0].article_id == "colombia-runoff"
    assert not any("Regina" in hit.text for hit in answer.hits)
    shown = " ".join(message.content for prompt in desk.llm.prompts for message in prompt)
    assert "Gustavo Petro" in shown and "Regina" not in shown, "the model reads the story, not the byline"
    assert "Regina Garcia Cano won" not in answer.text, "a claim naming the reporter has no source to stand on"
    for citation in answer.citations:
        text = desk.article(citation.article_id).text
        assert all(text[s.start : s.end] == s.text for s in citation.spans), "offsets point into the stored text"
    archive.check_unchanged()
