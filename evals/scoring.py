"""From per-question run records and gold labels to per-system metrics and breakdowns.

Gold labels are read only here, after every system has answered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from evals.datasets import ArticleSet, Question
from evals.judge import is_echo, judge_answer
from evals.metrics import (
    answer_bearing_at_k,
    bearing_needles,
    citation_coverage,
    citation_support,
    contains_gold,
    dedupe,
    hits_at_k,
    mean,
    mrr_at_k,
    ndcg_at_k,
    percentile,
)

RETRIEVAL_METRICS = ("hits@1", "hits@5", "hits@10", "mrr@10", "ndcg@10")
# Whether a top-k article holds the gold answer's text: the gold-article metrics' counterpart for every question
# with a gold answer of 4+ characters, gold article or not.
AB_METRICS = ("ab@1", "ab@5", "ab@10")
# The same, counting only articles out by the question's date (end of its day, UTC; undated ones count). The dateless
# baselines (bm25, llama-index) can rank a later article first, which a time-aware system never may, so ab@k credits
# them with answers no system could have given on that day.
AB_ASOF_METRICS = ("ab_asof@1", "ab_asof@5", "ab_asof@10")
BEARING_METRICS = AB_METRICS + AB_ASOF_METRICS
ANSWER_METRICS = (
    "contains_gold", "answer_correct", "answer_wrong", "correct_of_answered", "echo", "mc_accuracy",
    "mc_text_accuracy", "abstain_rate", "abstain_answerable", "abstain_unanswerable", "citation_coverage",
    "citation_support", "citation_gold",
)
LATENCY_METRICS = (
    "retrieve_ms_p50", "retrieve_ms_p95", "answer_ms_p50", "answer_ms_p95", "first_text_ms_p50", "first_text_ms_p95",
    "tokens_in", "tokens_out",
)
MAIN_METRICS = RETRIEVAL_METRICS + BEARING_METRICS + ANSWER_METRICS + LATENCY_METRICS
BREAKDOWN_METRICS = (
    "hits@5", "mrr@10", *BEARING_METRICS, "contains_gold", "answer_correct", "answer_wrong", "mc_accuracy",
    "mc_text_accuracy", "abstain_rate",
)


def canonical(articles: ArticleSet) -> Callable[[str], str]:
    """Map an article id to one id per group of exact-duplicate texts (so copies count as one article)."""
    table = {aid: min(group) for aid, group in articles.aliases.items()}
    return lambda aid: table.get(aid, aid)


def texts_as_of(articles: ArticleSet, when: datetime | None) -> Callable[[str], str | None]:
    """Article id to its normalised text, or None for an article published after ``when`` (see
    :meth:`evals.datasets.ArticleSet.published_by`): the texts ab_asof@k searches. A later article keeps its rank,
    so it still takes one of the k slots.
    """
    return lambda aid: articles.normalized_text(aid) if articles.published_by(aid, when) else None


def score_question(
    question: Question, gold: frozenset[str], record: Mapping[str, Any], canon: Callable[[str], str],
    articles: ArticleSet | None = None,
) -> dict[str, Any]:
    """Per-question flags for one system's record (None where a metric does not apply).

    Args:
        question: the question with its gold answers and choices.
        gold: resolved gold article ids (see :func:`evals.datasets.resolve_gold`).
        record: the system's run record (``retrieved``, optional ``answer``).
        canon: duplicate-text canonicaliser from :func:`canonical`.
        articles: the article texts, for answer-bearing metrics (None leaves them None).
    """
    ranked = dedupe(canon(a) for a in record.get("retrieved") or [])
    gold_c = {canon(a) for a in gold}
    flags: dict[str, Any] = {name: None for name in RETRIEVAL_METRICS}
    flags["has_gold"] = bool(gold_c)
    flags["gold_retrieved"] = None
    if gold_c:
        flags.update({
            "hits@1": hits_at_k(ranked, gold_c, 1), "hits@5": hits_at_k(ranked, gold_c, 5),
            "hits@10": hits_at_k(ranked, gold_c, 10), "mrr@10": mrr_at_k(ranked, gold_c, 10),
            "ndcg@10": ndcg_at_k(ranked, gold_c, 10),
        })
        flags["gold_retrieved"] = bool(flags["hits@10"])
    needles = bearing_needles(question.answers) if articles is not None else []
    # The query's as-of time (end of the question's day, UTC), as time-aware systems get it; None: no date, no filter.
    asof_texts = texts_as_of(articles, question.query().as_of) if articles else None
    for k in (1, 5, 10):
        flags[f"ab@{k}"] = answer_bearing_at_k(ranked, articles.normalized_text, needles, k) if articles else None
        flags[f"ab_asof@{k}"] = answer_bearing_at_k(ranked, asof_texts, needles, k) if asof_texts else None
    # Could the system have answered from what it retrieved? A gold article in its top 10 or, for questions
    # without gold articles, an article holding the answer's text.
    flags["unanswerable"] = question.unanswerable
    flags["answerable"] = False if question.unanswerable else (
        flags["gold_retrieved"] if gold_c else (bool(flags["ab@10"]) if flags["ab@10"] is not None else None))
    answer = record.get("answer")
    flags.update({"answered": answer is not None, "contains_gold": None, "mc_correct": None, "mc_text_correct": None,
                  "abstained": None, "coverage": None, "support": [], "cited_gold": [], "answer_correct": None,
                  "answer_wrong": None, "echo": None})
    if answer is None:
        return flags
    flags["abstained"] = abstained = bool(answer["abstained"])
    if question.answers:
        flags["contains_gold"] = (not abstained) and contains_gold(answer["text"], question.answers)
    if question.unanswerable:
        flags["answer_correct"] = False  # the archive cannot know the answer: any answer is a wrong one
    elif question.answers:
        flags["answer_correct"] = judge_answer(
            answer["text"], question.answers, question=question.question, choices=question.choices,
            answer_index=question.answer_index, abstained=abstained,
        )
    if flags["answer_correct"] is not None:
        flags["answer_wrong"] = not abstained and not flags["answer_correct"]
    if not abstained:
        flags["echo"] = is_echo(answer["text"] or "", question.question)
    if question.choices and question.answer_index is not None:
        flags["mc_correct"] = answer.get("mc_choice") == question.answer_index
        if answer.get("mc_text_reply") is not None:  # newsdesk picks with Desk.choose: no text prompt
            flags["mc_text_correct"] = answer.get("mc_text_choice") == question.answer_index
    if not answer["abstained"]:
        flags["coverage"] = citation_coverage(answer["text"])
        passages = {c["marker"]: c["quote"] for c in answer.get("citations") or []}
        flags["support"] = citation_support(answer["text"], passages)
        if gold_c:
            flags["cited_gold"] = [canon(c["article_id"]) in gold_c for c in answer.get("citations") or []]
    return flags


def aggregate(flags: list[dict[str, Any]], records: list[Mapping[str, Any]]) -> dict[str, Any]:
    """System metrics over questions: means of per-question flags, pooled citation shares, latency percentiles.

    Args:
        flags: :func:`score_question` results.
        records: the matching run records (for timings and tokens).
    """
    out: dict[str, Any] = {"n": len(flags), "n_gold": sum(1 for f in flags if f["has_gold"])}
    for name in RETRIEVAL_METRICS + BEARING_METRICS:
        out[name] = mean(f.get(name) for f in flags)
    answered = [f for f in flags if f["answered"]]
    out["n_answered"] = len(answered)
    out["contains_gold"] = mean(f["contains_gold"] for f in answered)
    out["answer_correct"] = mean(f["answer_correct"] for f in answered)
    out["answer_wrong"] = mean(f["answer_wrong"] for f in answered)
    out["correct_of_answered"] = mean(f["answer_correct"] for f in answered if not f["abstained"])
    out["echo"] = mean(f["echo"] for f in answered)
    out["mc_accuracy"] = mean(f["mc_correct"] for f in answered)
    out["mc_text_accuracy"] = mean(f["mc_text_correct"] for f in answered)
    out["abstain_rate"] = mean(f["abstained"] for f in answered)
    out["abstain_answerable"] = mean(f["abstained"] for f in answered if f.get("answerable"))
    out["abstain_unanswerable"] = mean(f["abstained"] for f in answered if f.get("unanswerable"))
    out["citation_coverage"] = mean(f["coverage"] for f in answered)
    support = [v for f in answered for v in f["support"]]
    cited_gold = [v for f in answered for v in f["cited_gold"]]
    # Pooled over citations: an answer with five citations weighs five times one with one.
    out["citation_support"] = mean(support) if support else None
    out["citation_gold"] = mean(cited_gold) if cited_gold else None
    out["citations"] = len(support)
    retrieve_ms = [float(r["retrieve_ms"]) for r in records if r.get("retrieve_ms") is not None]
    answers = [r["answer"] for r in records if r.get("answer") is not None]
    # Answers re-scored from answers.jsonl rows (evals.rescore) carry no timings.
    answer_ms = [float(a["ms"]) for a in answers if a.get("ms") is not None]
    out["retrieve_ms_p50"] = _round(percentile(retrieve_ms, 50))
    out["retrieve_ms_p95"] = _round(percentile(retrieve_ms, 95))
    out["answer_ms_p50"] = _round(percentile(answer_ms, 50))
    out["answer_ms_p95"] = _round(percentile(answer_ms, 95))
    # Records made before answers were streamed have no first_text_ms: they are left out, not counted as 0.
    first_text_ms = [float(a["first_text_ms"]) for a in answers if a.get("first_text_ms") is not None]
    out["first_text_ms_p50"] = _round(percentile(first_text_ms, 50))
    out["first_text_ms_p95"] = _round(percentile(first_text_ms, 95))
    out["tokens_in"] = _round(mean(a.get("tokens_in", 0) for a in answers))
    out["tokens_out"] = _round(mean(a.get("tokens_out", 0) for a in answers))
    out["errors"] = sum(1 for r in records if r.get("error"))
    if not answers:
        for name in ANSWER_METRICS + ("answer_ms_p50", "answer_ms_p95", "first_text_ms_p50", "first_text_ms_p95",
                                      "tokens_in", "tokens_out"):
            out[name] = None
    return out


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def breakdowns(
    questions: list[Question], flags: Mapping[str, Mapping[str, dict[str, Any]]],
) -> dict[str, dict[str, dict[str, dict[str, Any]]]]:
    """Metrics per group of questions: by question month, by question source, and by whether the system's
    top 10 held a gold article (questions with gold articles only).

    Returns:
        ``{dimension: {group: {system: {"n": …, "hits@5": …, …}}}}``.
    """
    dims: dict[str, Callable[[Question], str | None]] = {
        "month": lambda q: q.month,
        "source": lambda q: q.source or "unknown",
    }
    result: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
    for dim, key in dims.items():
        groups: dict[str, list[Question]] = {}
        for q in questions:
            groups.setdefault(str(key(q)), []).append(q)
        result[dim] = {
            group: {system: _subset([per_q[q.qid] for q in members]) for system, per_q in flags.items()}
            for group, members in sorted(groups.items())
        }
    retrieved: dict[str, dict[str, dict[str, Any]]] = {"retrieved": {}, "missed": {}}
    for system, per_q in flags.items():
        for label, wanted in (("retrieved", True), ("missed", False)):
            retrieved[label][system] = _subset(
                [per_q[q.qid] for q in questions if per_q[q.qid]["gold_retrieved"] is wanted]
            )
    result["gold_retrieved"] = retrieved
    return result


def _subset(flags: Iterable[dict[str, Any]]) -> dict[str, Any]:
    rows = list(flags)
    out: dict[str, Any] = {"n": len(rows)}
    for name in ("hits@5", "mrr@10") + BEARING_METRICS:
        out[name] = mean(f.get(name) for f in rows)
    answered = [f for f in rows if f["answered"]]
    out["contains_gold"] = mean(f["contains_gold"] for f in answered)
    out["answer_correct"] = mean(f["answer_correct"] for f in answered)
    out["answer_wrong"] = mean(f["answer_wrong"] for f in answered)
    out["mc_accuracy"] = mean(f["mc_correct"] for f in answered)
    out["mc_text_accuracy"] = mean(f["mc_text_correct"] for f in answered)
    out["abstain_rate"] = mean(f["abstained"] for f in answered)
    return out


def correct_flags(flags: Mapping[str, Any]) -> dict[str, Any]:
    """The per-question correctness fields written to answers.jsonl."""
    return {
        "hits@1": flags["hits@1"], "hits@5": flags["hits@5"], "hits@10": flags["hits@10"],
        "gold_retrieved": flags["gold_retrieved"], **{name: flags[name] for name in BEARING_METRICS},
        "contains_gold": flags["contains_gold"], "answer_correct": flags["answer_correct"],
        "answer_wrong": flags["answer_wrong"], "echo": flags["echo"], "unanswerable": flags["unanswerable"],
        "mc_correct": flags["mc_correct"], "mc_text_correct": flags["mc_text_correct"],
        "citations_supported": sum(flags["support"]) if flags["support"] else None,
        "citations": len(flags["support"]) if flags["answered"] else None,
    }
