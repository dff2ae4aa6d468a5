"""Metric functions against hand-computed values."""

from __future__ import annotations

import math

import pytest

from evals.metrics import (
    answer_sentences,
    citation_coverage,
    citation_support,
    contains_gold,
    dedupe,
    hits_at_k,
    judge_words,
    mean,
    mrr_at_k,
    ndcg_at_k,
    normalize_answer,
    parse_choice,
    percentile,
    support_score,
)
from index.text import markers_in

RANKED = ["x", "g1", "y", "g2", "z"]
GOLD = {"g1", "g2"}


def test_hits_at_k_by_hand() -> None:
    assert [hits_at_k(RANKED, GOLD, k) for k in (1, 2, 5, 10)] == [0.0, 1.0, 1.0, 1.0]
    assert hits_at_k(RANKED, {"nope"}, 10) == 0.0
    assert hits_at_k([], GOLD, 10) == 0.0


def test_mrr_counts_the_first_gold_only_and_stops_at_k() -> None:
    assert mrr_at_k(RANKED, GOLD) == 0.5
    assert mrr_at_k(["g1"], GOLD) == 1.0
    assert mrr_at_k(["a"] * 10 + ["g1"], GOLD, 10) == 0.0  # rank 11 is outside the top 10


def test_ndcg_by_hand() -> None:
    # Gold at ranks 2 and 4; the ideal ranking has them at 1 and 2.
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(RANKED, GOLD) == pytest.approx(expected)
    assert ndcg_at_k(["g1", "g2"], GOLD) == pytest.approx(1.0)
    assert ndcg_at_k(["g1"], {"g1", "g2", "g3"}) == pytest.approx(1 / (1 + 1 / math.log2(3) + 1 / math.log2(4)))
    assert ndcg_at_k(RANKED, set()) == 0.0


def test_passages_dedupe_to_articles_at_their_first_rank() -> None:
    passages = ["a", "a", "g", "b", "g"]
    ranked = dedupe(passages)
    assert ranked == ["a", "g", "b"]
    assert mrr_at_k(ranked, {"g"}) == 0.5  # not 1/3, the passage rank


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The “Squid Game”!", "squid game"),
        ("‘Breaking Bad’ — an  AMC show.", "breaking bad amc show"),
        ("A tale of the city", "tale of city"),
        ("U.S. $40.3bn", "u s 40.3bn"),  # a decimal point between digits stays: the number is one word
        ("Prices rose 3.5%.", "prices rose 3.5"),
        ("10,000 or 1,234,567 (not 3,14)", "10000 or 1234567 not 3 14"),  # thousands commas only
        ("It ended. 5 went.", "it ended 5 went"),  # a full stop next to one digit is still punctuation
        ("In 2022.", "in 2022"),
    ],
)
def test_normalize_answer(text: str, expected: str) -> None:
    assert normalize_answer(text) == expected


@pytest.mark.parametrize(
    ("answer", "golds", "expected"),
    [
        ("Netflix renewed “Squid Game” for a second season [1].", ["“Squid Game”"], True),
        ("THE EUROPEAN UNION, i.e. Europe.", ["Europe"], True),
        ("It happened in Asia.", ["Asian"], False),  # whole words only
        ("It happened in Asian markets.", ["Asia"], False),
        ("Temperatures reached 40.3C [2].", ["40.3C", "40.3 degrees"], True),
        ("No idea.", [""], False),  # an empty gold never matches
        ("Marker[1]Europe", ["Europe"], True),
        ("Experts expect it to fetch $61.5 million [1].", ["$5 million"], False),  # not " 61 5 million "
        ("It fetched $5 million [1].", ["$5 million"], True),
        ("Some 10000 people [1].", ["10,000"], True),
        ("Some 10,000 people [1].", ["10000"], True),
        ("Inflation was 3.5% [2].", ["3.5%"], True),
    ],
)
def test_contains_gold(answer: str, golds: list[str], expected: bool) -> None:
    assert contains_gold(answer, golds) is expected


CHOICES = ["Europe", "North America", "Asia", "Africa"]


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("C", 2), ("c", 2), (" B.", 1), ("(D)", 3), ("D) Africa", 3), ("Answer: A", 0), ("The answer is B.", 1),
        ("**C**", 2), ("Option D", 3), ("B: North America", 1), ("North America", 1), ("I would say Asia.", 2),
        ("A", 0), ("A new charger law", None), ("", None), ("E", None), ("Europe or Asia", None),
        ("The correct choice is (c)", 2),
    ],
)
def test_parse_choice(reply: str, expected: int | None) -> None:
    assert parse_choice(reply, CHOICES) == expected


def test_parse_choice_respects_the_number_of_choices() -> None:
    assert parse_choice("C", ["TRUE", "FALSE"]) is None
    assert parse_choice("B", ["TRUE", "FALSE"]) == 1
    assert parse_choice("E", ["a", "b", "c", "d", "e"]) == 4
    assert parse_choice("A", []) is None


def test_answer_sentences_keep_trailing_markers_with_their_sentence() -> None:
    assert answer_sentences("Oil fell [1]. Demand slowed. [2] [3] Why? Nobody knows.") == [
        "Oil fell [1].", "Demand slowed. [2] [3]", "Why?", "Nobody knows.",
    ]
    assert answer_sentences("") == []
    assert answer_sentences("[1]. Oil rose.") == ["Oil rose."]
    assert answer_sentences("Gen. Milley said the U.S. Senate met on Jan. 6 [1].") == [
        "Gen. Milley said the U.S. Senate met on Jan. 6 [1].",
    ]
    assert markers_in("Both [2][1, 3] and [2].") == [2, 1, 3]


def test_citation_coverage() -> None:
    assert citation_coverage("Oil fell [1]. Demand slowed [2]. It was Tuesday.") == pytest.approx(2 / 3)
    assert citation_coverage("Oil fell. [1]") == 1.0
    assert citation_coverage("No markers at all.") == 0.0
    assert citation_coverage("   ") is None


def test_support_is_max_sentence_recall_of_content_words() -> None:
    passage = "Oil prices fell on Tuesday. Traders worried about demand in China."
    assert judge_words("Traders worried about China [1].") == {"traders", "worried", "china"}
    assert support_score("Traders worried about China [1].", passage) == 1.0
    # 4 content words (prices, rose, sharply, monday), 1 in a passage sentence ("prices").
    assert support_score("Prices rose sharply on Monday [1].", passage) == pytest.approx(0.25)
    assert support_score("It was [1].", passage) is None


def test_citation_support_threshold_and_bad_markers() -> None:
    passages = {1: "Oil prices fell on Tuesday.", 2: "Dogs bark."}
    # "Oil prices rose Monday": 4 content words, 2 in the passage -> exactly 0.5 -> supported.
    verdicts = citation_support("Oil prices rose Monday [1]. Oil prices fell [2]. Cats sing [7].", passages)
    assert verdicts == [True, False, False]
    assert citation_support("Oil prices fell [1][1].", passages) == [True]  # one verdict per distinct marker
    assert citation_support("No citations here.", passages) == []


def test_percentile_and_mean() -> None:
    values = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert percentile(values, 50) == 30.0
    assert percentile(values, 95) == pytest.approx(48.0)
    assert percentile([], 50) is None
    assert mean([]) is None
    assert mean([True, False, None]) == 0.5


def test_support_keeps_numbers_whole():
    # "$5 million" is not supported by "$61.5 million": split at the point, "5" would be found in it.
    assert support_score("It raised $5 million [1].", "The firm raised $61.5 million on Monday.") < 1.0
    assert support_score("It raised $61.5 million [1].", "The firm raised $61.5 million on Monday.") == 1.0
