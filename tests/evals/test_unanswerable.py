"""--unanswerable: each question asked before its event without its gold articles, kept only when no visible article
holds its answer; every search of such a run must see neither an excluded article nor a later one."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any

import pytest

from evals.calibrate import main
from evals.datasets import load_articles, load_questions
from evals.runner import run
from evals.unanswerable import derive_unanswerable
from qa.retrieval.retriever import Retriever
from qa.settings import Settings

# Beyond the tiny set: questions whose answer an article visible at the derived date already holds, and one kept.
EXTRA = [
    # no gold article: asked 2022-08-10, so as of 2022-08-03; "heat" (2022-07-19) already names Coningsby
    {"id": "x-visible", "question": "Where was Britain's record set?", "as_of": "2022-08-10", "answers": ["Coningsby"]},
    # as of 2022-07-13: "heat" is not out yet, nothing else names Lincolnshire
    {"id": "x-kept", "question": "Which county was hottest?", "as_of": "2022-07-20", "answers": ["Lincolnshire"]},
    # gold "squid" (2022-06-12), as of 2022-06-11: the undated pelican article is visible on every date
    {"id": "x-undated", "question": "Where do pelicans live?", "as_of": "2022-06-16", "answers": ["St James's Park"],
     "gold_article_ids": ["squid"]},
    {"id": "x-short", "question": "Which country?", "as_of": "2022-06-16", "answers": ["UK"]},
]


@pytest.fixture
def questions_file(tiny: tuple[Path, Path], jsonl_writer) -> Path:  # type: ignore[no-untyped-def]
    rows = [json.loads(line) for line in tiny[0].read_text().splitlines()] + EXTRA
    return jsonl_writer(tiny[0].parent / "questions-plus.jsonl", rows)


def test_the_derived_set_by_hand(questions_file: Path, tiny: tuple[Path, Path]) -> None:
    derived = derive_unanswerable(load_questions(questions_file), load_articles(tiny[1]))
    as_of = {q.qid: q.as_of for q in derived.questions}
    assert as_of == {
        "rt1": date(2022, 6, 6),  # the day before its gold article (2022-06-07)
        "rt2": date(2022, 6, 11),
        "nd1": date(2022, 7, 18),  # gold by passage: "heat" (2022-07-19) and "heat-later"
        "nd2": date(2022, 8, 1),
        "x-kept": date(2022, 7, 13),  # no gold article: a week before the question
    }
    assert all(q.unanswerable for q in derived.questions)
    assert derived.exclude["rt1"] == ("charger", "charger-copy"), "gold articles and their exact copies"
    assert derived.exclude["nd1"] == ("heat", "heat-later") and derived.exclude["x-kept"] == ()
    assert derived.asked_on["rt1"] == date(2022, 6, 16)
    assert derived.dropped["x-visible"] == "answer visible: article heat holds it by 2022-08-03"
    assert derived.dropped["x-undated"].startswith("answer visible: article undated")
    assert derived.dropped["x-short"].startswith("no gold answer of 4+")
    assert derived.dropped["nd3"].startswith("no date")
    assert derived.summary() == {"kept": 5, "dropped": {"answer visible": 2, "no date": 1,
                                                       "no gold answer of 4+ characters to check": 1}}


def test_the_listing_command(questions_file: Path, tiny: tuple[Path, Path], capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["unanswerable", "--questions", str(questions_file), "--articles", str(tiny[1])]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["qid"] for r in rows] == ["rt1", "rt2", "nd1", "nd2", "x-kept"]
    assert rows[0] | {"question": ""} == {
        "qid": "rt1", "question": "", "asked_on": "2022-06-16", "as_of": "2022-06-06", "answers": ["Europe"],
        "source": "CNN", "excluded": ["charger", "charger-copy"],
    }
    assert err.startswith("5 of 9 questions kept")


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=timezone.utc)


def test_no_search_of_an_unanswerable_run_sees_an_excluded_or_later_article(
    questions_file: Path, tiny: tuple[Path, Path], hash_settings: Settings, rule_llm, tmp_path: Path, monkeypatch,
) -> None:  # type: ignore[no-untyped-def]
    articles = load_articles(tiny[1])
    derived = derive_unanswerable(load_questions(questions_file), articles)
    expected = {q.question: (_end_of(q.as_of), set(derived.exclude[q.qid])) for q in derived.questions}
    published = {a.article_id: a.published_at for a in articles.articles}
    seen: list[tuple[str, Any, set[str]]] = []
    real_search = Retriever.search

    def spying_search(self: Retriever, query: str, k: int = 10, filters: Any = None) -> Any:
        hits = real_search(self, query, k, filters)
        seen.append((query, filters, {h.article_id for h in hits}))
        return hits

    monkeypatch.setattr(Retriever, "search", spying_search)
    # A gate that never abstains, so ask reaches the model and choose reads evidence: every path searches.
    settings = hash_settings.model_copy(update={"answer": hash_settings.answer.model_copy(
        update={"min_similarity": -1.0})})
    run(questions_file, tiny[1], systems="newsdesk", out=tmp_path / "out", settings=settings, llm=rule_llm,
        progress=False, unanswerable=True)
    assert {query for query, _, _ in seen} == set(expected), "every derived question was searched, nothing else"
    for query, filters, returned in seen:
        as_of, excluded = expected[query]
        assert filters is not None and filters.as_of == as_of, f"a search for {query!r} was not as of {as_of}"
        assert excluded <= set(filters.exclude), f"a search for {query!r} did not exclude {excluded}"
        assert not returned & excluded, f"a search for {query!r} returned an excluded article"
        later = {a for a in returned if published[a] is not None and published[a] > as_of}
        assert not later, f"a search for {query!r} returned {later}, published after {as_of}"
    calls = [query for query, _, _ in seen]
    assert calls.count(next(q for q in expected if q.startswith("Which continent"))) == 3, "retrieve, ask, choose"


def test_only_newsdesk_and_one_experiment_at_a_time(tiny, hash_settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="--unanswerable needs a system that can leave articles out"):
        run(*tiny, systems="newsdesk,newsrag", out=tmp_path / "x", settings=hash_settings, answers=False,
            progress=False, unanswerable=True)
    with pytest.raises(ValueError, match="give one"):
        run(*tiny, systems="newsdesk", out=tmp_path / "x", settings=hash_settings, answers=False, progress=False,
            unanswerable=True, remove_gold=True)


def test_an_unanswerable_run_scores_abstention_as_right_and_any_answer_as_wrong(
    questions_file: Path, tiny: tuple[Path, Path], hash_settings: Settings, rule_llm_class, tmp_path: Path,
) -> None:  # type: ignore[no-untyped-def]
    # The gate open, and no test of whether a passage is about the question: what is measured here is the run's
    # scoring of answers that get through, not the check.
    support = hash_settings.answer.support.model_copy(update={"min_question_share": 0.0,
                                                              "min_passage_question_share": 0.0})
    settings = hash_settings.model_copy(update={"answer": hash_settings.answer.model_copy(
        update={"min_similarity": -1.0, "support": support})})
    # An answer that takes up a word of the heat question ("July"), from a source visible as of its date: the check
    # lets it through, and the run must count it wrong.
    rule_llm = rule_llm_class(answer="In July Europe will require a common charger for phones [1].")
    report = run(questions_file, tiny[1], systems="newsdesk", out=tmp_path / "out", settings=settings, llm=rule_llm,
                 progress=False, unanswerable=True)
    metrics = report["systems"]["newsdesk"]
    rows = [json.loads(line) for line in (tmp_path / "out" / "answers.jsonl").read_text().splitlines()]
    assert report["questions"] == 5 and report["settings"]["unanswerable"] is True
    assert report["inputs"]["unanswerable"]["kept"] == 5
    assert {r["qid"]: r["as_of"] for r in rows}["rt1"] == "2022-06-06"
    assert all(r["unanswerable"] and r["correct"]["answer_correct"] is False for r in rows)
    answered = [r for r in rows if not r["abstained"]]
    assert answered, "with the gate open, some of the rule model's answers pass the check"
    assert all(r["correct"]["answer_wrong"] for r in answered)
    assert metrics["abstain_unanswerable"] == metrics["abstain_rate"] == pytest.approx(1 - len(answered) / 5)
    assert metrics["answer_wrong"] == pytest.approx(len(answered) / 5) and metrics["answer_correct"] == 0.0
    assert metrics["ab@10"] == 0.0, "no visible article holds an answer, so none retrieved can"
    assert metrics["hits@10"] == 0.0
    runs = [json.loads(line) for line in (tmp_path / "out" / "runs" / "newsdesk.jsonl").read_text().splitlines()]
    assert all(r["answer"]["first_text_ms"] is not None for r in runs)
