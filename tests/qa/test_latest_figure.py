"""In an answer to "how many", an older report's figure gives way to a later one's. Tried as a new user (dev archive,
0.5B): "How many people died in the Kentucky floods?" asked on 5 August was answered with 28 dead (1 August) and
8 dead (29 July), both cited, with nothing to tell the reader which holds. Through a real archive (MiniLM) and the
Desk's answer path; the model's reply is given."""

from datetime import UTC, datetime

import pytest

from qa import FakeLLM

EARLY = {"id": "kentucky-early", "title": "Kentucky flooding kills at least 8", "publish_date": "2022/07/29",
         "text": "Flash floods swept through eastern Kentucky on Thursday. There were 8 people dead in the Kentucky "
                 "floods by Friday morning, Governor Andy Beshear said, and the toll was expected to rise."}
LATER = {"id": "kentucky-later", "title": "Kentucky flood death toll rises to 28", "publish_date": "2022/08/01",
         "text": "At least 28 people have died in the Kentucky floods as rescuers continue to search for missing "
                 "people, Governor Andy Beshear said on Monday. More rain is forecast for the region."}
ASKED = datetime(2022, 8, 5, 23, 59, tzinfo=UTC)
REPLY = "At least 28 people have died in the Kentucky floods. There were 8 people dead in the Kentucky floods."


@pytest.fixture(scope="module")
def archive(build_shared_archive):
    return build_shared_archive(records=(EARLY, LATER))


def test_an_older_figure_gives_way_to_a_later_report(archive):
    desk = archive.desk()
    desk.llm = FakeLLM([REPLY])
    answer = desk.ask("How many people died in the Kentucky floods?", as_of=ASKED)
    assert "28 people" in answer.text and "8 people dead" not in answer.text, answer.text
    [older] = [s for s in answer.sentences if "8 people dead" in s.text]
    assert not older.supported and older.reason.startswith("a later report, ["), older.reason
    assert older.reason.endswith("of 2022-08-01, gives another figure"), older.reason
    assert [c.article_id for c in answer.citations] == ["kentucky-later"]


def test_both_figures_stand_where_the_question_asks_no_count_or_one_report_is_all_there_is(archive):
    desk = archive.desk()
    desk.llm = FakeLLM([REPLY])
    answer = desk.ask("What happened in the Kentucky floods?", as_of=ASKED)
    assert "28 people" in answer.text and "8 people dead" in answer.text, answer.text
    desk.llm = FakeLLM([REPLY])
    before = desk.ask("How many people died in the Kentucky floods?", as_of=datetime(2022, 7, 30, tzinfo=UTC))
    assert "8 people dead" in before.text, "asked before the later report, the earlier figure is the latest"
