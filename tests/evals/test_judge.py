"""The answer judge and the answer metrics built on it, by hand; and its agreement with real hand labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.calibrate import main as calibrate
from evals.datasets import Question
from evals.judge import agreement, gives_gold, gold_forms, is_echo, judge_answer, judge_terms
from evals.scoring import aggregate, score_question

CALIBRATION = Path(__file__).resolve().parents[2] / "docs" / "eval" / "judge-calibration"
LABELS = CALIBRATION / "labels.jsonl"
# Measured on each round of labels (docs/eval/judge-calibration/README.md): 59/60 on the first, 85/90 on the second;
# the margin lets one more label of each flip before the test fails.
MEASURED_AGREEMENT = {"labels.jsonl": (59, 60), "labels-2.jsonl": (85, 90)}


@pytest.mark.parametrize(
    ("answer", "gold", "expected"),
    [
        ("Rishi Sunak and Liz Truss [1].", "Liz Truss and Rishi Sunak", True),  # order
        ("The “Squid Game” series [2].", "Squid Game", True),  # quotes
        ("THREE people were hurt.", "3 people", True),  # number words
        ("The lions won.", "Lion", True),  # plural s
        ("Prime Minister Liz Truss.", "Truss", True),  # contains
        ("Rishi Sunak won.", "Liz Truss and Rishi Sunak", False),  # 2 of 4 gold words
        ("Liza Truss and Rishi Sunak", "Liz Truss and Rishi Sunak", True),  # 3 of 4
        ("New Jersey", "New Jersey & Oregon", False),  # 2 of 3: half the answer
        ("Found after the 118th sighting.", "118", True),  # ordinals
        ("Liz Truss won.", "Liz Truss and Rishi Sunak", False),
        ("It was in Asia.", "Asian", False),
        ("Joe Biden tested positive [1].", "President Joe Biden", True),  # the name after a title
        ("Boris Johnson resigned [1].", "UK Prime Minister Boris Johnson", True),
        ("Johnson resigned [1].", "UK Prime Minister Boris Johnson", False),  # a surname alone is not the name
        ("The Dallas school district [1].", "Dallas, Texas", True),  # the place without its qualifier
        ("A Texas school district [1].", "Dallas, Texas", False),
        ("Lemons, she said [1].", "Lemons, charcoal and seawater", False),  # a list is no qualified name
        ('Her album "Rennaisance" [1].', "Renaissance", True),  # the source's spelling
        ("It was in Austria.", "Australia", False),  # a near name is another place
        ("It was in Ireland.", "Iceland", False),
        ("Ages 6 months to 17 years [1].", "6 months to 6 years", False),  # each number as often as the gold
        ("From 6 months to 6 years [1].", "6 months to 6 years", True),
        ("She portrayed Lt. Nyota Uhura [3].", "Lieutenant Uhura", True),  # a title's short form is the title
        ("She portrayed Lt. Sulu [3].", "Lieutenant Uhura", False),
    ],
)
def test_gives_gold_tolerates_paraphrase_not_other_answers(answer: str, gold: str, expected: bool) -> None:
    assert gives_gold(answer, [gold]) is expected


def test_gold_forms_a_reader_takes_for_the_same_answer() -> None:
    assert list(gold_forms("First lady Dr. Jill Biden")) == ["First lady Dr. Jill Biden", "Jill Biden"]
    assert list(gold_forms("Secretary of State Antony Blinken"))[1:] == ["Antony Blinken"]
    assert list(gold_forms("Rep. Glenn Thompson, R-Pa."))[1:] == ["Glenn Thompson"]
    assert list(gold_forms("General Motors")) == ["General Motors"], "a one-word rest is no full name"
    assert list(gold_forms("Lieutenant Uhura")) == ["Lieutenant Uhura"]
    assert list(gold_forms("Member of the House of Lords")) == ["Member of the House of Lords"]


def test_a_title_does_not_let_another_person_through() -> None:
    choices = ["First lady Dr. Jill Biden", "Secretary of State Antony Blinken", "Vice President Kamala Harris"]
    assert judge_answer("Jill Biden tested positive [1].", [choices[0]], choices=choices, answer_index=0)
    assert not judge_answer("Joe Biden tested positive [1].", [choices[0]], choices=choices, answer_index=0)
    assert not judge_answer("Kamala Harris [1].", [choices[0]], choices=choices, answer_index=0)


def test_numbers_are_whole_words_for_the_judge() -> None:
    # Split at the decimal point, "$61.5 million" held both words of "$5 million" ("5", "million").
    assert not judge_answer("Experts expect it to fetch $61.5 million [1].", ["$5 million"])
    assert judge_answer("It should fetch some $5 million [1].", ["$5 million"])
    assert judge_answer("About 10,000 people came [1].", ["10000 people"])
    assert judge_terms("3.5% of 1,200 cars") == {"3.5", "1200", "car"}


def test_gold_words_the_question_holds_do_not_count() -> None:
    question = "Which US national park was flooded?"
    gold = ["Yellowstone National Park"]
    assert not gives_gold("The national park was flooded [1].", gold, question)
    assert gives_gold("Yellowstone was flooded [1].", gold, question)
    assert not gives_gold("Yellowstone was flooded [1].", gold), "1 of 3 words, without the question"


def test_naming_a_wrong_choice_instead_of_the_right_one_is_wrong() -> None:
    choices = ["Prime Minister Boris Johnson", "Prime Minister Liz Truss", "King Charles", "Keir Starmer"]
    gold = [choices[0]]
    answer = "Prime Minister Liz Truss, who followed Johnson [1]."
    assert judge_answer(answer, gold), "3 of 4 gold words: a paraphrase, without the choices"
    assert not judge_answer(answer, gold, choices=choices, answer_index=0)
    assert judge_answer("Prime Minister Boris Johnson [1].", gold, choices=choices, answer_index=0)
    korea = ["North Korea", "South Korea", "Japan", "China"]
    assert judge_answer("South Korea, and North Korea.", ["North Korea"], choices=korea, answer_index=0), \
        "names both: the gold words decide"
    assert not judge_answer("Korea's south [1].", ["North Korea"], choices=korea, answer_index=0)


def test_abstentions_and_empty_answers_are_never_correct() -> None:
    assert not judge_answer("Liz Truss", ["Liz Truss"], abstained=True)
    assert not judge_answer("", ["Liz Truss"]) and not judge_answer(None, ["Liz Truss"])


def test_echo_adds_nothing_to_the_question() -> None:
    question = "Which wildly popular show was recently green lit for a new season?"
    assert is_echo("A wildly popular show was green lit for a new season [1].", question)
    assert is_echo("The shows were recently green-lit [2].", question), "plurals, hyphens and markers"
    assert not is_echo("Squid Game was green lit [1].", question)
    assert judge_terms("Twenty-one “Lions” [3]") == {"20", "1", "lion"}


def _question(**kw) -> Question:  # type: ignore[no-untyped-def]
    return Question(qid=kw.pop("qid", "q"), question="Which show was renewed?", answers=("Squid Game",), **kw)


def _answer(text: str, abstained: bool = False, first_text_ms: float | None = None) -> dict:
    return {"retrieved": [], "answer": {"text": text, "abstained": abstained, "citations": [], "ms": 100.0,
                                        "first_text_ms": first_text_ms}}


def test_answer_flags_and_their_aggregates_by_hand() -> None:
    canon = str
    q = _question()
    records = [
        _answer("Netflix renewed Squid Game [1].", first_text_ms=10.0),  # correct
        _answer("Netflix renewed Friends [1].", first_text_ms=30.0),  # wrong
        _answer("The show was renewed [1].", first_text_ms=20.0),  # wrong, and an echo
        _answer("The archive does not answer this question.", abstained=True),  # abstained (no first_text_ms)
    ]
    flags = [score_question(q, frozenset(), r, canon) for r in records]
    assert [f["answer_correct"] for f in flags] == [True, False, False, False]
    assert [f["answer_wrong"] for f in flags] == [False, True, True, False]
    assert [f["echo"] for f in flags] == [False, False, True, None]
    out = aggregate(flags, records)
    assert out["answer_correct"] == 0.25 and out["answer_wrong"] == 0.5
    assert out["correct_of_answered"] == pytest.approx(1 / 3) and out["echo"] == pytest.approx(1 / 3)
    assert out["first_text_ms_p50"] == 20.0 and out["first_text_ms_p95"] == 29.0
    assert out["abstain_unanswerable"] is None, "no question of this run is unanswerable"


def test_abstaining_is_split_by_what_the_system_could_have_answered_from() -> None:
    canon = str
    with_gold = _question(qid="g", gold_article_ids=("g",))
    records = [
        (with_gold, {"retrieved": ["g"], "answer": {"text": "No.", "abstained": True, "citations": [], "ms": 1.0}}),
        (with_gold, {"retrieved": ["x"], "answer": {"text": "No.", "abstained": True, "citations": [], "ms": 1.0}}),
        (with_gold, {"retrieved": ["g"], "answer": {
            "text": "Squid Game", "abstained": False, "citations": [], "ms": 1.0}}),
        (_question(qid="u", unanswerable=True), {"retrieved": [], "answer": {
            "text": "Squid Game", "abstained": False, "citations": [], "ms": 1.0}}),
        (_question(qid="v", unanswerable=True), {"retrieved": [], "answer": {
            "text": "No.", "abstained": True, "citations": [], "ms": 1.0}}),
    ]
    flags = [score_question(q, frozenset(q.gold_article_ids), r, canon) for q, r in records]
    out = aggregate(flags, [r for _, r in records])
    assert out["abstain_answerable"] == 0.5, "1 of the 2 with a gold article in the top 10"
    assert out["abstain_unanswerable"] == 0.5
    assert [f["answer_correct"] for f in flags[3:]] == [False, False], "the gold text is no answer when unanswerable"
    assert [f["answer_wrong"] for f in flags[3:]] == [True, False]


def test_old_records_without_the_new_fields_still_score() -> None:
    record = {"retrieved": ["g"], "answer": {"text": "Squid Game [1].", "abstained": False, "citations": [],
                                             "ms": 5.0}}
    out = aggregate([score_question(_question(), frozenset(), record, str)], [record])
    assert out["first_text_ms_p50"] is None and out["answer_correct"] == 1.0


@pytest.mark.parametrize("name", sorted(MEASURED_AGREEMENT))
def test_the_judge_agrees_with_the_hand_labels(name: str) -> None:
    labels = [json.loads(line) for line in (CALIBRATION / name).read_text(encoding="utf-8").splitlines()]
    agreed, total = MEASURED_AGREEMENT[name]
    assert len(labels) == total
    assert {row["label"] for row in labels} == {"correct", "wrong"}
    score, _ = agreement(labels)
    assert score >= (agreed - 1) / total, f"judge agreement on {name} fell to {score:.3f}"


def test_the_agreement_command(capsys) -> None:  # type: ignore[no-untyped-def]
    assert calibrate(["judge", str(LABELS), "--share", "0.5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("labels.jsonl: agreement 0.") and "/60) at share 0.500" in lines[0]
    assert len(lines) > 1 and "labelled wrong, judged correct" in "\n".join(lines), "a looser judge passes half answers"
