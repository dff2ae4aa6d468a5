"""Paired comparison of systems on the same questions: how many questions each gets that the other misses.

Means hide how many questions actually differ: 0.40 against 0.38 may be 2 questions won and none lost, or 30 won
and 28 lost. For a 0/1 metric the paired view counts the discordant questions (one system scores 1, the other 0)
and tests their split with the exact McNemar test: under "no difference" each discordant question is equally likely
to go either way, so the count one system wins is Binomial(discordant, 1/2).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from evals.datasets import Question

# 0/1 metrics compared question by question (means of these are in the main table).
PAIRED_METRICS = ("hits@1", "hits@5", "ab@1", "ab@5", "ab_asof@1", "ab_asof@5")


def mcnemar_exact(other_only: int, first_only: int) -> float:
    """Two-sided exact McNemar p-value: a binomial test (p = 1/2) of ``other_only`` out of the discordant
    ``other_only + first_only`` questions; 1.0 when no question is discordant.

    Example:
        >>> mcnemar_exact(6, 1), mcnemar_exact(1, 6), mcnemar_exact(0, 0), mcnemar_exact(3, 3)
        (0.125, 0.125, 1.0, 1.0)
    """
    discordant = other_only + first_only
    if discordant == 0:
        return 1.0
    from scipy.stats import binomtest  # imported here: scipy takes a second to load and only reports need it

    return float(binomtest(other_only, discordant, 0.5, alternative="two-sided").pvalue)


def paired_counts(first: Iterable[float | bool | None], other: Iterable[float | bool | None]) -> dict[str, Any]:
    """Discordant counts of one 0/1 metric for two systems over the same questions, in the same order.

    Only questions where both systems have a value count (a metric is None where it does not apply).

    Returns:
        ``{"n": questions both have a value for, "other_only": other 1 and first 0, "first_only": first 1 and
        other 0, "p": mcnemar_exact(other_only, first_only)}``.

    Example:
        >>> paired_counts([1, 0, 0, None, 1], [0, 1, 1, 1, 1])
        {'n': 4, 'other_only': 2, 'first_only': 1, 'p': 1.0}
    """
    pairs = [(bool(a), bool(b)) for a, b in zip(first, other, strict=True) if a is not None and b is not None]
    other_only = sum(1 for a, b in pairs if b and not a)
    first_only = sum(1 for a, b in pairs if a and not b)
    return {"n": len(pairs), "other_only": other_only, "first_only": first_only,
            "p": mcnemar_exact(other_only, first_only)}


def paired_comparison(
    questions: Sequence[Question], flags: Mapping[str, Mapping[str, Mapping[str, Any]]],
    metrics: Sequence[str] = PAIRED_METRICS,
) -> dict[str, Any] | None:
    """Every other system against the first (the run's first, normally newsdesk), over all questions and per
    question source.

    Args:
        questions: the questions scored, in run order.
        flags: system -> question id -> :func:`evals.scoring.score_question` flags; its first system is the reference.
        metrics: the 0/1 metrics to compare.

    Returns:
        ``{"first": name, "metrics": [...], "systems": {other: {"all": row, "by_source": {source: row}}}}``, each
        row ``{"questions": n, metric: paired_counts(...), ...}``, sources sorted (``"unknown"`` for none); None with
        fewer than two systems.
    """
    names = list(flags)
    if len(names) < 2:
        return None
    first = names[0]
    sources: dict[str, list[Question]] = {}
    for q in questions:
        sources.setdefault(q.source or "unknown", []).append(q)

    def row(other: str, members: Sequence[Question]) -> dict[str, Any]:
        counts: dict[str, Any] = {"questions": len(members)}
        for metric in metrics:
            counts[metric] = paired_counts((flags[first][q.qid].get(metric) for q in members),
                                           (flags[other][q.qid].get(metric) for q in members))
        return counts

    systems = {
        other: {"all": row(other, questions),
                "by_source": {source: row(other, members) for source, members in sorted(sources.items())}}
        for other in names[1:]
    }
    return {"first": first, "metrics": list(metrics), "systems": systems}
