"""Multiple choice: evidence match first, then the LLM's order-debiased letter probabilities."""

import pytest

from qa import FakeLLM, SearchFilters
from qa.answering.choose import LETTERS, llm_probabilities
from qa.llm.base import Completion


@pytest.fixture
def desk(fixture_desk):
    return fixture_desk


def test_a_choice_stated_in_a_relevant_passage_wins_without_the_llm(desk):
    desk.llm = FakeLLM(["A"])
    pick = desk.choose("How many jets did Northwind Airlines order?", ["12", "40", "3", "2026"])
    assert pick.method == "evidence" and pick.choice == "40"
    assert desk.llm.prompts == []


class KnowsTheAnswer:
    """Puts most probability on the letter where ``answer`` is shown, and always some on "A" (the bias)."""

    name = "knows"

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.prompts = []

    def complete(self, messages, *, max_tokens=256, stop=None, top_logprobs=0):
        self.prompts.append(messages)
        lines = [line for line in messages[-1].content.splitlines() if line[:2] in {f"{x}." for x in LETTERS}]
        right = next(line[0] for line in lines if line.endswith(self.answer))
        logprobs = {"A": -0.9, right: -0.5} if right != "A" else {"A": -0.2}
        return Completion(text=right, first_token_logprobs=logprobs)


def test_when_no_choice_is_in_the_evidence_the_debiased_llm_decides(desk):
    desk.llm = KnowsTheAnswer("a ferry terminal")
    choices = ["a velodrome", "a ferry terminal", "a toll bridge", "a library fund"]
    pick = desk.choose("What did the Harbor city council decide on rents?", choices)
    assert pick.method == "llm" and pick.choice == "a ferry terminal"
    assert len(desk.llm.prompts) == 4, "one prompt per cyclic order"
    assert abs(sum(pick.scores) - 1) < 1e-6


def test_a_model_that_always_says_a_gets_no_say():
    probabilities = llm_probabilities(FakeLLM(["A"]), "Which?", ["w", "x", "y", "z"], [])
    assert probabilities == pytest.approx([0.25] * 4)


def test_choices_are_validated(desk):
    with pytest.raises(ValueError, match="between 2 and 10 non-empty choices"):
        desk.choose("How many jets?", ["40", "  "])


def test_choose_never_sees_an_excluded_article(desk):
    # fx-4 is the only stored article that states the answer (fx-8, its exact copy, is stored once, as fx-4).
    # Excluded, whether by keyword or by a SearchFilters value, it can decide nothing: no hit, no prompt holds it.
    question, choices = "How many jets did Northwind Airlines order?", ["12", "40", "3", "2026"]
    assert desk.choose(question, choices).choice == "40", "the article answers it when present"
    for pick_without in (
        lambda: desk.choose(question, choices, exclude=["fx-4"]),
        lambda: desk.choose(question, choices, SearchFilters(exclude=("fx-4",))),
    ):
        desk.llm = FakeLLM(["B"])
        pick = pick_without()
        assert "fx-4" not in {h.article_id for h in pick.hits}
        assert all("40 new jets" not in h.text for h in pick.hits)
        assert pick.choice != "40"
        assert all("40 new jets" not in m.content for prompt in desk.llm.prompts for m in prompt)
