"""--remove-gold claims the archive is read as if it lacked each question's gold articles and their copies. Every
path newsdesk takes for a question (search, ask, choose) must honour that: a missed path once published a
multiple-choice figure measured with the gold article still visible."""

from __future__ import annotations

from typing import Any

from evals.runner import run
from qa.retrieval.retriever import Retriever


def test_every_search_of_a_remove_gold_run_leaves_the_gold_articles_out(tiny, hash_settings, rule_llm, tmp_path,
                                                                       monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[str, frozenset[str], set[str]]] = []
    real_search = Retriever.search

    def spying_search(self: Retriever, query: str, k: int = 10, filters: Any = None) -> Any:
        hits = real_search(self, query, k, filters)
        seen.append((query, frozenset(filters.exclude if filters else ()), {h.article_id for h in hits}))
        return hits

    monkeypatch.setattr(Retriever, "search", spying_search)
    run(*tiny, systems="newsdesk", out=tmp_path / "out", settings=hash_settings, llm=rule_llm, progress=False,
        remove_gold=True)
    # The gold articles of the tiny set, with their exact copies (the runner resolves copies by text).
    gold = {
        "Which continent will require phone makers to support one common charging standard?": {"charger",
                                                                                              "charger-copy"},
        "Which wildly popular show was recently green lit for a new season?": {"squid"},
        "Why did oil prices fall?": {"oil"},
    }
    by_question = {question: [s for s in seen if s[0] == question] for question in gold}
    for question, removed in gold.items():
        calls = by_question[question]
        # retrieval, then ask, then choose (which has choices for the two RealTimeQA questions)
        assert len(calls) >= 2, f"{question!r} was searched {len(calls)} times"
        for _, excluded, returned in calls:
            assert removed <= excluded, f"a search for {question!r} did not exclude {removed - excluded}"
            assert not returned & removed, f"a search for {question!r} returned a removed article"
    assert any(len(by_question[q]) >= 3 for q in gold), "choose searched too"
