"""Question and article readers: both question formats, detection per line, gold resolution, sampling."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from evals.datasets import (
    NEWSDESK,
    RTQA,
    DatasetError,
    Query,
    Question,
    load_articles,
    load_questions,
    resolve_gold,
    select_questions,
)

RTQA_DEV = Path(__file__).resolve().parents[3] / "shared" / "data" / "rtqa2022" / "questions-dev.jsonl"


def test_both_formats_are_detected_per_line(tiny: tuple[Path, Path]) -> None:
    questions = load_questions(tiny[0])
    assert [q.format for q in questions] == [RTQA, RTQA, NEWSDESK, NEWSDESK, NEWSDESK]
    assert [q.qid for q in questions] == ["rt1", "rt2", "nd1", "nd2", "nd3"]


def test_realtimeqa_fields_are_read_as_is(tiny: tuple[Path, Path]) -> None:
    rt1, rt2 = load_questions(tiny[0])[:2]
    assert rt1.question.startswith("Which continent")
    assert rt1.as_of == date(2022, 6, 16)
    assert rt1.choices == ("Europe", "North America", "Asia", "Africa")
    assert (rt1.answer_index, rt1.answers, rt1.gold_article_ids, rt1.source) == (0, ("Europe",), ("charger",), "CNN")
    assert rt2.choices[-1] == "“Friends”" and len(rt2.choices) == 4  # the empty fifth choice is dropped
    assert rt2.answer_index == 1 and rt2.month == "2022-06"


def test_newsdesk_format_fields(tiny: tuple[Path, Path]) -> None:
    nd1, nd2, nd3 = load_questions(tiny[0])[2:]
    assert nd1.as_of == date(2022, 7, 22) and nd1.source == "The Week"
    assert nd1.answer_index == 1  # inferred: the choice equal to the gold answer
    assert nd1.gold_passages == ("highest temperature ever, 40.3 degrees Celsius",)
    assert nd2.choices == () and nd2.answer_index is None and nd2.gold_article_ids == ("oil",)
    assert nd3.as_of is None and nd3.month == "undated" and nd3.source is None


def test_query_carries_no_gold_labels(tiny: tuple[Path, Path]) -> None:
    rt1 = load_questions(tiny[0])[0]
    query = rt1.query()
    assert {f.name for f in dataclasses.fields(Query)} == {"qid", "text", "as_of", "choices", "removed"}
    assert query.removed == (), "only a --remove-gold run fills it"
    assert query.as_of == datetime(2022, 6, 16, 23, 59, 59, tzinfo=timezone.utc)
    assert query.choices == rt1.choices
    assert Question(qid="u", question="?").query().as_of is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "malformed JSON"),
        ('{"title": "no question here"}', "neither format"),
        ('{"question": "  "}', "non-empty"),
        ('{"question": "Q?", "choices": ["a", "b"], "answer_index": 5}', "answer_index"),
        ('{"question": "Q?", "as_of": "not a date"}', "YYYY-MM-DD"),
        ("[1, 2]", "JSON object"),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"question": "fine?"}\n\n' + line + "\n")
    with pytest.raises(DatasetError, match=message) as error:
        load_questions(path)
    assert f"{path}:3" in str(error.value)


def test_duplicate_ids_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "a", "question": "one?"}\n{"id": "a", "question": "two?"}\n')
    with pytest.raises(DatasetError, match="duplicate"):
        load_questions(path)


def test_default_ids_and_gzip(tmp_path: Path, jsonl_writer) -> None:  # type: ignore[no-untyped-def]
    path = jsonl_writer(tmp_path / "mine.jsonl.gz", [{"question": "a?"}, {"question": "b?", "answer": "x"}])
    questions = load_questions(path)
    assert [q.qid for q in questions] == ["mine:1", "mine:2"]
    assert questions[1].answers == ("x",)


def test_select_questions_is_deterministic_and_keeps_file_order() -> None:
    questions = [Question(qid=str(i), question="?") for i in range(50)]
    first = select_questions(questions, 10, seed=3)
    assert [q.qid for q in first] == [q.qid for q in select_questions(questions, 10, seed=3)]
    assert [q.qid for q in first] != [q.qid for q in select_questions(questions, 10, seed=4)]
    assert [int(q.qid) for q in first] == sorted(int(q.qid) for q in first)
    assert len(first) == 10
    assert select_questions(questions, None) == questions
    assert select_questions(questions, 500) == questions
    with pytest.raises(ValueError):
        select_questions(questions, -1)


def test_articles_are_read_as_newsdesk_reads_them(tiny: tuple[Path, Path]) -> None:
    articles = load_articles(tiny[1])
    assert [a.article_id for a in articles.articles] == [
        "charger", "charger-copy", "squid", "heat", "heat-later", "oil", "undated",
    ]
    assert len(articles.problems) == 1  # the record with neither text nor title
    assert articles.aliases["charger"] == frozenset({"charger", "charger-copy"})
    assert "squid" not in articles.aliases
    undated = next(a for a in articles.articles if a.article_id == "undated")
    assert undated.published_at is None


def test_a_later_record_with_the_same_id_wins(tmp_path: Path, jsonl_writer) -> None:  # type: ignore[no-untyped-def]
    path = jsonl_writer(tmp_path / "a.jsonl", [
        {"article_id": "x", "text": "First version."}, {"article_id": "y", "text": "Other."},
        {"article_id": "x", "text": "Second version."},
    ])
    articles = load_articles(path)
    assert [(a.article_id, a.text) for a in articles.articles] == [("x", "Second version."), ("y", "Other.")]
    assert articles.repeated == 1


def test_gold_resolution_adds_passage_articles_and_duplicate_copies(tiny: tuple[Path, Path]) -> None:
    questions = {q.qid: q for q in load_questions(tiny[0])}
    articles = load_articles(tiny[1])
    assert resolve_gold(questions["rt1"], articles) == {"charger", "charger-copy"}
    assert resolve_gold(questions["nd1"], articles) == {"heat", "heat-later"}  # both hold the passage
    assert resolve_gold(questions["nd3"], articles) == frozenset()


def test_the_real_realtimeqa_dev_file_reads_as_is() -> None:
    questions = load_questions(RTQA_DEV)
    assert len(questions) == 329
    assert {q.format for q in questions} == {RTQA}
    assert sum(1 for q in questions if q.gold_article_ids) == 110
    assert all(q.as_of is not None and q.choices and q.answer_index is not None for q in questions)
    first = json.loads(RTQA_DEV.read_text().splitlines()[0])
    assert questions[0].qid == first["question_id"]
    assert questions[0].choices[questions[0].answer_index] == first["answer_text"][0]


@pytest.mark.parametrize("kind", ["newsdesk", "llamaindex"])
def test_every_systems_cached_index_is_rebuilt_when_the_cleaning_rules_change(kind, monkeypatch):
    # Every system indexes the texts index.cleaning leaves: a llama-index cache built before galleries were removed
    # was once reused after, so its index still held them.
    from evals import archives

    before = archives.archive_key("ab", {"chunk_size": 200}, kind)
    monkeypatch.setattr(archives, "CLEANING_VERSION", archives.CLEANING_VERSION + 1)
    assert archives.archive_key("ab", {"chunk_size": 200}, kind) != before
