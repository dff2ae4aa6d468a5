"""Paired comparison: discordant counts per metric and the exact McNemar p-value, by hand."""

from __future__ import annotations

from typing import Any

import pytest

from evals.datasets import Question
from evals.paired import PAIRED_METRICS, mcnemar_exact, paired_comparison, paired_counts
from evals.report import render_markdown


def test_mcnemar_exact_is_the_two_sided_binomial_test_of_the_discordant_pairs() -> None:
    assert mcnemar_exact(6, 1) == pytest.approx(0.125)  # 2 * (1 + 7) / 2**7
    assert mcnemar_exact(1, 6) == pytest.approx(0.125), "symmetric"
    assert mcnemar_exact(10, 0) == pytest.approx(2 / 2**10)
    assert mcnemar_exact(5, 5) == pytest.approx(1.0)
    assert mcnemar_exact(0, 0) == 1.0, "no discordant question: no evidence either way"


def test_paired_counts_skip_questions_either_system_has_no_value_for() -> None:
    first = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, None, 0.0, 1.0]
    other = [0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, None, 1.0]
    assert paired_counts(first, other) == {"n": 9, "other_only": 6, "first_only": 1, "p": pytest.approx(0.125)}
    assert paired_counts([None], [1.0]) == {"n": 0, "other_only": 0, "first_only": 0, "p": 1.0}


def _flags(hits1: float | None) -> dict[str, Any]:
    return dict.fromkeys(PAIRED_METRICS) | {"hits@1": hits1}


def test_paired_comparison_is_against_the_first_system_overall_and_per_source() -> None:
    questions = [Question(qid=f"q{i}", question="?", source="CNN" if i < 3 else None) for i in range(5)]
    flags = {
        "newsdesk": {"q0": _flags(1.0), "q1": _flags(0.0), "q2": _flags(0.0),
                     "q3": _flags(0.0), "q4": _flags(None)},
        "bm25": {"q0": _flags(0.0), "q1": _flags(1.0), "q2": _flags(1.0),
                 "q3": _flags(1.0), "q4": _flags(1.0)},
        "newsrag": {q.qid: _flags(1.0) for q in questions},
    }
    paired = paired_comparison(questions, flags)
    assert paired is not None and paired["first"] == "newsdesk" and paired["metrics"] == list(PAIRED_METRICS)
    assert list(paired["systems"]) == ["bm25", "newsrag"]
    bm25 = paired["systems"]["bm25"]
    assert bm25["all"]["questions"] == 5
    assert {k: bm25["all"]["hits@1"][k] for k in ("n", "other_only", "first_only")} == {
        "n": 4, "other_only": 3, "first_only": 1}
    assert list(bm25["by_source"]) == ["CNN", "unknown"]
    assert bm25["by_source"]["CNN"]["hits@1"]["other_only"] == 2
    assert bm25["by_source"]["unknown"]["hits@1"] == {"n": 1, "other_only": 1, "first_only": 0, "p": 1.0}
    assert bm25["all"]["ab@5"]["n"] == 0, "no values: nothing to compare"
    assert paired_comparison(questions, {"newsdesk": flags["newsdesk"]}) is None, "one system: nothing to pair"

    markdown = render_markdown({"systems": {}, "paired": paired})
    assert "## Paired comparison with newsdesk" in markdown
    assert "| system | source | n | hits@1 | hits@5 | ab@1 | ab@5 | ab_asof@1 | ab_asof@5 |" in markdown
    assert "| bm25 | all | 5 | 3 / 1 (0.625) | - |" in markdown
    assert "| bm25 | unknown | 2 | 1 / 0 (1.000) | - |" in markdown
    assert "| newsrag | CNN | 3 | 2 / 0 (0.500) | - |" in markdown
    assert "Paired comparison" not in render_markdown({"systems": {}}), "older reports have no paired section"
