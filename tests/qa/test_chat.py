"""Conversations: bounded history and follow-up rewriting."""

import pytest

from qa import FakeLLM
from qa.chat import Turn, acceptable_rewrite, is_follow_up


@pytest.fixture
def desk(fixture_desk):
    return fixture_desk


def test_a_follow_up_is_rewritten_from_the_conversation_and_the_rewrite_is_shown(desk):
    desk.llm = FakeLLM([
        "Northwind Airlines ordered 40 new jets [1].",
        "When will Northwind Airlines get its new jets?",
        "Deliveries start in 2026 [1].",
    ])
    chat = desk.chat()
    first = chat.ask("What did Northwind Airlines order?")
    assert first.rewritten_question is None and "40 new jets" in first.text
    second = chat.ask("And when will they get them?")
    assert second.rewritten_question == "When will Northwind Airlines get its new jets?"
    rewrite_prompt = desk.llm.prompts[1][1].content
    assert "User: What did Northwind Airlines order?" in rewrite_prompt
    assert "Assistant: “Northwind Airlines ordered 40 new jets" in rewrite_prompt  # the quoted lead answers
    assert "User: And when will they get them?" in rewrite_prompt
    assert desk.llm.prompts[2][1].content.count("Question: When will Northwind Airlines get its new jets?") == 1
    assert "2026" in second.text


def test_a_bad_rewrite_falls_back_to_the_previous_question_plus_the_follow_up(desk):
    desk.llm = FakeLLM(["Northwind Airlines ordered 40 new jets [1].", "Sure! Here you go:", "Deliveries start [1]."])
    chat = desk.chat()
    chat.ask("What did Northwind Airlines order?")
    second = chat.ask("And the delivery date?")
    assert second.rewritten_question == "What did Northwind Airlines order? And the delivery date?"


@pytest.mark.parametrize(("follow_up", "rewrite"), [
    # The 0.5B often answers the request with the question before.
    ("What else did they order?", "What did Northwind Airlines order?"),
    # A rewrite that asks another thing than the follow-up: "where" for "when".
    ("When will they get the new jets?", "Where will Northwind Airlines get its new jets?"),
])
def test_a_rewrite_that_repeats_the_earlier_question_or_asks_another_thing_falls_back(desk, follow_up, rewrite):
    desk.llm = FakeLLM(["Northwind Airlines ordered 40 new jets [1].", rewrite, "Deliveries start [1]."])
    chat = desk.chat()
    chat.ask("What did Northwind Airlines order?")
    second = chat.ask(follow_up)
    assert second.rewritten_question == f"What did Northwind Airlines order? {follow_up}"


def test_a_standalone_question_is_not_rewritten(desk):
    desk.llm = FakeLLM(["Northwind Airlines ordered 40 new jets [1]."])
    chat = desk.chat()
    chat.ask("What did Northwind Airlines order?")
    answer = chat.ask("What did the Harbor city council decide on rents?")
    assert answer.rewritten_question is None
    assert len(desk.llm.prompts) == 2, "no rewrite call for a standalone question"


def test_history_is_bounded_by_tokens_newest_kept():
    from qa.chat import Chat

    chat = Chat(desk=None, max_history_tokens=30)
    chat.turns = [Turn(f"q{i}", f"question {i} " + "word " * 10, "answer") for i in range(5)]
    kept = chat.history()
    assert kept and kept[-1].message == "q4" and len(kept) < 5


def test_follow_up_detection_and_rewrite_checks():
    assert is_follow_up("What about Iran?") and is_follow_up("Why?") and is_follow_up("Did they appeal?")
    assert not is_follow_up("What did the Harbor city council decide on rents?")
    assert acceptable_rewrite("What about Iran?", "What did Iran say about the US strikes?")
    assert not acceptable_rewrite("What about Iran?", "What about Iran?")
