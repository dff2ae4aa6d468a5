"""``evals.bench.benchmark_answers`` over the fixture archive (real MiniLM; the fake LLM, then the bundled 0.5B): what
it times and counts."""

from __future__ import annotations

import pytest

from evals.bench import BenchQuery, benchmark_answers
from qa import FakeLLM


def test_answers_are_timed_to_the_first_text_the_models_first_token_and_the_checked_answer(fixture_desk):
    fixture_desk.llm = FakeLLM(["The Harbor city council voted to cap annual rent increases at 4 percent [1]."])
    questions = [
        BenchQuery(text="What did the Harbor city council decide on rents?"),  # a lead, then the model
        BenchQuery(text="Quantum chromodynamics lattice gauge?"),  # abstains before the model is asked
    ]
    timed = benchmark_answers(fixture_desk, questions)
    assert (timed.questions, timed.answered_by_model, timed.led, timed.model) == (2, 1, 1, "fake")
    # With one answer by the model, its percentiles are that answer's times; the lead comes before the model's words.
    assert 0 < timed.first_text_p50_ms <= timed.first_token_p50_ms <= timed.answer_p95_ms
    assert timed.first_token_p50_ms == timed.first_token_p95_ms
    # The overall median depends on how many answers a quote leads, so each kind has its own.
    led, unled = timed.first_text_led_p50_ms, timed.first_text_unled_p50_ms
    assert led is not None and unled is not None
    assert min(led, unled) <= timed.first_text_p50_ms <= max(led, unled)
    assert timed.prompt_tokens_mean > 0
    assert timed.llama_cpp == [], "no llama.cpp build ran a fake model"


def test_a_lead_awaiting_the_judge_counts_as_a_lead_not_as_the_models_first_token(fixture_desk):
    fixture_desk.settings.answer.judge = "reread"
    fixture_desk.llm = FakeLLM(["The council capped annual rent increases at 4 percent [1].", "4 percent"])
    timed = benchmark_answers(fixture_desk, [BenchQuery(text="What did the Harbor city council decide on rents?")])
    assert timed.led == 1 and timed.first_text_p50_ms <= timed.first_token_p50_ms  # a fake model: no time between
    assert timed.first_text_led_p50_ms == timed.first_text_p50_ms and timed.first_text_unled_p50_ms is None


@pytest.mark.slow
def test_with_the_bundled_model_the_lead_is_shown_before_the_model_has_read_its_prompt(fixture_desk):
    timed = benchmark_answers(fixture_desk, [BenchQuery(text="What did the Harbor city council decide on rents?")])
    assert (timed.answered_by_model, timed.led, timed.model) == (1, 1, "qwen2.5-coder-0.5b")
    assert timed.first_text_p50_ms < timed.first_token_p50_ms < timed.answer_p50_ms
    assert timed.first_text_led_p50_ms == timed.first_text_p50_ms and timed.first_text_unled_p50_ms is None
    assert timed.prompt_tokens_mean > 50, "the model read a prompt with the passages"
    # The build that ran it is named, so figures from a wheel and from a build for this CPU are told apart.
    assert "AVX2" in timed.llama_cpp and "REPACK" in timed.llama_cpp
