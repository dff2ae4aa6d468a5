"""ab@k: does one of the top k retrieved articles hold the gold answer's text? By hand on the invented archive."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from evals.datasets import ArticleSet, Question, load_articles, load_questions
from evals.metrics import answer_bearing_at_k, bearing_needles, bears_answer, normalize_answer
from evals.rescore import rescore
from evals.runner import run
from evals.scoring import BEARING_METRICS, canonical, correct_flags, score_question
from index.articles import Article


def test_needles_are_normalised_gold_answers_of_four_characters_or_more() -> None:
    assert bearing_needles(["“Squid Game”", "Squid game!", "UK", "38%", "The EU"]) == ["squid game"]
    assert bearing_needles(["£7m", "5.9"]) == []  # '£7m' and '5.9' are too short to search text for
    assert bearing_needles(["40.3C"]) == ["40.3c"]
    assert bearing_needles(["FALSE"]) == bearing_needles(["All of the above"]) == [], "verdicts are not article text"


@pytest.mark.parametrize(
    ("text", "gold", "expected"),
    [
        ("Netflix said “SQUID GAME” is coming back.", "Squid Game", True),  # case and curly quotes
        ("The show, Squid-Game, returns.", "Squid Game", True),  # punctuation becomes space
        ("Squid\n\n  Game returns.", "Squid Game", True),  # whitespace
        ("Squid Games are popular.", "Squid Game", False),  # whole words only
        ("It was a squidgame.", "Squid Game", False),
        ("The painting sold for $61.5 million.", "$5 million", False),  # a decimal number stays whole
        ("The painting sold for $61.5 million.", "61.5 million", True),
        ("Some 10,000 people marched.", "10000 people", True),  # thousands commas dropped
    ],
)
def test_bears_answer_normalises_both_sides(text: str, gold: str, expected: bool) -> None:
    assert bears_answer(normalize_answer(text), bearing_needles([gold])) is expected


def test_answer_bearing_at_k_by_hand() -> None:
    texts = {"a": "oil fell", "b": "netflix renewed squid game", "c": "squid game again"}.get
    ranked = ["a", "x", "a2", "b", "y", "c"]
    assert [answer_bearing_at_k(ranked, texts, ["squid game"], k) for k in (1, 3, 4, 10)] == [0.0, 0.0, 1.0, 1.0]
    assert answer_bearing_at_k([], texts, ["squid game"], 10) == 0.0
    assert answer_bearing_at_k(ranked, texts, [], 10) is None


def test_article_texts_come_from_the_article_set_with_the_title(tiny: tuple[Path, Path]) -> None:
    articles = load_articles(tiny[1])
    assert articles.normalized_text("squid").startswith("squid game renewed netflix announced")
    assert articles.normalized_text("nope") is None
    assert articles.article("heat").published_at.isoformat().startswith("2022-07-19")
    bare = ArticleSet([Article(article_id="t", title="Only a title", text="Only a title")])
    assert bare.normalized_text("t") == "only title"  # a title-only record is not read twice


def _record(*retrieved: str) -> dict:
    return {"retrieved": list(retrieved)}


def test_score_question_canonicalises_copies_before_counting_k(tiny: tuple[Path, Path]) -> None:
    articles = load_articles(tiny[1])
    canon = canonical(articles)
    rt2 = next(q for q in load_questions(tiny[0]) if q.qid == "rt2")  # “Squid Game”
    # Five passages of one text (an article and its copy) fill ranks 1-5 only once canonicalised away.
    flags = score_question(rt2, frozenset({"squid"}), _record(
        "charger", "charger-copy", "charger", "oil", "heat", "undated", "squid"), canon, articles)
    assert (flags["ab@1"], flags["ab@5"], flags["ab@10"]) == (0.0, 1.0, 1.0)
    assert score_question(rt2, frozenset(), _record("squid"), canon)["ab@1"] is None, "no texts, no metric"
    short = Question(qid="s", question="Which country?", answers=("UK",))
    assert score_question(short, frozenset(), _record("squid"), canon, articles)["ab@10"] is None


def test_a_question_without_gold_articles_gets_answer_bearing_metrics(tiny: tuple[Path, Path]) -> None:
    articles = load_articles(tiny[1])
    nd3 = next(q for q in load_questions(tiny[0]) if q.qid == "nd3")  # "keepers", no gold article
    flags = score_question(nd3, frozenset(), _record("squid", "undated"), canonical(articles), articles)
    assert flags["hits@5"] is None and (flags["ab@1"], flags["ab@5"]) == (0.0, 1.0)
    assert flags["answerable"] is True, "ab@10 stands in for a retrieved gold article"


def test_ab_asof_counts_only_articles_out_by_the_question_date(tiny: tuple[Path, Path]) -> None:
    articles = load_articles(tiny[1])
    canon = canonical(articles)
    # "heat" (19 July) and "heat-later" (30 August) both name Coningsby; the question is asked on 22 July.
    asked = Question(qid="h", question="Where was the record set?", as_of=date(2022, 7, 22),
                     answers=("Coningsby in Lincolnshire",))
    flags = score_question(asked, frozenset(), _record("heat-later", "oil", "heat"), canon, articles)
    assert (flags["ab@1"], flags["ab_asof@1"]) == (1.0, 0.0), "a later article holds it: no time-aware system sees it"
    assert (flags["ab@5"], flags["ab_asof@5"]) == (1.0, 1.0), "the later article keeps its slot; rank 3 is out"
    on_the_day = Question(qid="d", question="?", as_of=date(2022, 8, 30), answers=asked.answers)
    assert score_question(on_the_day, frozenset(), _record("heat-later"), canon, articles)["ab_asof@1"] == 1.0, \
        "published on the question's day: out by the end of it"
    # An undated article is visible to every system on every date.
    keepers = Question(qid="k", question="Who fed the pelicans?", as_of=date(2000, 1, 1), answers=("keepers",))
    flags = score_question(keepers, frozenset(), _record("undated"), canon, articles)
    assert (flags["ab@1"], flags["ab_asof@1"]) == (1.0, 1.0)
    # A question without a date: ab_asof@k is ab@k.
    dateless = Question(qid="n", question="Where?", answers=asked.answers)
    flags = score_question(dateless, frozenset(), _record("heat-later"), canon, articles)
    assert [flags[f"ab_asof@{k}"] for k in (1, 5, 10)] == [flags[f"ab@{k}"] for k in (1, 5, 10)] == [1.0] * 3
    assert score_question(asked, frozenset(), _record("heat"), canon)["ab_asof@1"] is None, "no texts, no metric"
    assert set(BEARING_METRICS) <= set(correct_flags(flags)), "answers.jsonl rows carry ab_asof@k too"


def test_an_article_is_out_when_any_exact_copy_of_it_is() -> None:
    early, late = datetime(2022, 7, 1, tzinfo=timezone.utc), datetime(2022, 9, 1, tzinfo=timezone.utc)
    articles = ArticleSet([Article(article_id="a", text="same", published_at=late),
                           Article(article_id="b", text="same", published_at=early),
                           Article(article_id="c", text="other", published_at=late)],
                          aliases={"a": frozenset({"a", "b"}), "b": frozenset({"a", "b"})})
    august = datetime(2022, 8, 1, tzinfo=timezone.utc)
    assert articles.published_by("a", august) and not articles.published_by("c", august)
    assert articles.published_by("a", None) and articles.published_by("nope", august)


def test_no_answers_runs_report_answer_bearing_beside_the_gold_metrics(tiny, hash_settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    report = run(*tiny, systems="newsdesk,bm25", out=tmp_path / "out", settings=hash_settings, answers=False,
                 progress=False)
    rows = [json.loads(line) for line in (tmp_path / "out" / "answers.jsonl").read_text().splitlines()]
    for name in ("newsdesk", "bm25"):
        flags = [r["correct"] for r in rows if r["system"] == name]
        # nd1's gold "40.3C" is written "40.3 degrees" in the articles: never answer-bearing
        assert [r["correct"]["ab@10"] for r in rows if r["system"] == name and r["qid"] == "nd1"] == [0.0]
        expected = sum(f["ab@5"] for f in flags) / len(flags)
        assert report["systems"][name]["ab@5"] == pytest.approx(expected)
        assert report["breakdowns"]["source"]["CNN"][name]["ab@5"] is not None
    markdown = (tmp_path / "out" / "report.md").read_text()
    assert "| hits@5 | mrr@10 | ab@1 | ab@5 | ab@10 | ab_asof@1 | ab_asof@5 | ab_asof@10 |" in markdown, \
        "the by-source table shows ab@k and ab_asof@k"
    assert all(r["correct"]["ab_asof@5"] is not None for r in rows), "every question has a gold answer to look for"
    assert report["breakdowns"]["source"]["CNN"]["bm25"]["ab_asof@5"] is not None
    assert "## Paired comparison with newsdesk" in markdown
    assert report["paired"]["first"] == "newsdesk" and set(report["paired"]["systems"]) == {"bm25"}
    # Rescoring the rows reproduces the run's numbers.
    again = rescore(rows, load_articles(tiny[1]))
    for name in ("newsdesk", "bm25"):
        for metric in ("hits@1", "hits@5", "mrr@10", *BEARING_METRICS):
            assert again["systems"][name][metric] == report["systems"][name][metric], (name, metric)
    assert again["paired"] == report["paired"]


def test_rescoring_an_answers_file_reproduces_the_answer_metrics(tiny, hash_settings, rule_llm, tmp_path) -> None:  # type: ignore[no-untyped-def]
    report = run(*tiny, systems="newsdesk,newsrag", out=tmp_path / "out", settings=hash_settings, llm=rule_llm,
                 progress=False)
    rows = [json.loads(line) for line in (tmp_path / "out" / "answers.jsonl").read_text().splitlines()]
    for row in rows:  # answers.jsonl of runs before these fields existed
        row.pop("unanswerable"), row.pop("excluded")
    again = rescore(rows, load_articles(tiny[1]))
    for name in ("newsdesk", "newsrag"):
        for metric in ("contains_gold", "answer_correct", "answer_wrong", "echo", "abstain_rate", "mc_accuracy",
                       "citation_support", "ab@5"):
            assert again["systems"][name][metric] == report["systems"][name][metric], (name, metric)
        assert again["systems"][name]["answer_ms_p50"] is None, "answers.jsonl holds no timings"
