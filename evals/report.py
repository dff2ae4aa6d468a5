"""Writing an eval report: report.json, report.md, chart.png, answers.jsonl, and the terminal table."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from evals.files import write_jsonl
from evals.scoring import ANSWER_METRICS, BEARING_METRICS, BREAKDOWN_METRICS, LATENCY_METRICS, RETRIEVAL_METRICS

logger = logging.getLogger(__name__)

TABLE_COLUMNS = RETRIEVAL_METRICS + BEARING_METRICS + ANSWER_METRICS + LATENCY_METRICS
# Metrics no system has (abstain_unanswerable outside --unanswerable runs) are left out of the chart.
CHART_METRICS = (
    "hits@1", "hits@5", "ab@5", "ab_asof@5", "mrr@10", "ndcg@10", "contains_gold", "answer_correct", "answer_wrong",
    "mc_accuracy", "mc_text_accuracy", "abstain_answerable", "abstain_unanswerable", "citation_support",
)
_SHORT = {
    "contains_gold": "contains", "answer_correct": "correct", "answer_wrong": "wrong",
    "correct_of_answered": "corr/ans", "mc_accuracy": "mc_acc", "mc_text_accuracy": "mc_text",
    "abstain_rate": "abstain", "abstain_answerable": "abst_ans", "abstain_unanswerable": "abst_unans",
    "citation_coverage": "cit_cov", "citation_support": "cit_sup", "citation_gold": "cit_gold",
    "retrieve_ms_p50": "ret_p50", "retrieve_ms_p95": "ret_p95", "answer_ms_p50": "ans_p50",
    "answer_ms_p95": "ans_p95", "first_text_ms_p50": "first_p50", "first_text_ms_p95": "first_p95",
    "tokens_in": "tok_in", "tokens_out": "tok_out",
}


def write_report(report: dict[str, Any], rows: Iterable[dict[str, Any]], out: str | Path) -> dict[str, Path]:
    """Write every report file into ``out``.

    Args:
        report: the report dict (written as report.json).
        rows: one answers.jsonl row per question and system.
        out: the report folder (created if missing).

    Returns:
        Paths of the files written, by kind.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": out / "report.json", "markdown": out / "report.md", "chart": out / "chart.png",
        "answers": out / "answers.jsonl",
    }
    paths["json"].write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    paths["markdown"].write_text(render_markdown(report), encoding="utf-8")
    write_chart(report, paths["chart"])
    write_jsonl(paths["answers"], rows)
    logger.info("eval report written to %s", out)
    return paths


def fmt(value: Any, metric: str = "") -> str:
    """A metric value for tables: shares with 3 decimals, milliseconds and tokens as integers, None as ``-``.

    Example:
        >>> fmt(0.51234, "hits@5"), fmt(1234.56, "answer_ms_p50"), fmt(None)
        ('0.512', '1235', '-')
    """
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if metric.endswith(("_p50", "_p95")) or metric.startswith("tokens"):
            return f"{value:.0f}"
        return f"{value:.3f}"
    return str(value)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def render_markdown(report: dict[str, Any]) -> str:
    """report.md: the main table (one row per system), breakdown tables, and the run's inputs and settings."""
    systems: dict[str, dict[str, Any]] = report.get("systems", {})
    settings = report.get("settings", {})
    inputs = report.get("inputs", {})
    lines = ["# newsdesk eval report", ""]
    lines.append(
        f"{report.get('questions', 0)} questions ({report.get('questions_with_gold_articles', 0)} with gold articles); "
        f"answers {'evaluated' if settings.get('answers', True) else 'not evaluated (--no-answers)'}. "
        "Metrics are defined in newsdesk's evals/README.md."
        + (" Unanswerable set (--unanswerable): every question asked before its event, without its gold articles;"
           " any answer is wrong." if settings.get("unanswerable") else "")
        + (" Gold articles removed (--remove-gold)." if settings.get("remove_gold") else "")
    )
    lines.append("")
    lines.append("## Systems")
    lines.append("")
    rows = [[name, str(m.get("n", "")), *(fmt(m.get(c), c) for c in TABLE_COLUMNS)] for name, m in systems.items()]
    lines += _table(["system", "n", *(_SHORT.get(c, c) for c in TABLE_COLUMNS)], rows)
    lines.append("")
    lines.append("Columns: " + ", ".join(f"{short} = {name}" for name, short in _SHORT.items()) + ".")
    lines.append("")
    for name, description in settings.get("descriptions", {}).items():
        lines.append(f"- **{name}**: {description}")
    lines += _paired_section(report.get("paired"))
    for dim, title in (("month", "By month of the question"), ("source", "By question source"),
                       ("gold_retrieved", "By whether a gold article was in the system's top 10")):
        groups = report.get("breakdowns", {}).get(dim)
        if not groups:
            continue
        lines += ["", f"## {title}", ""]
        header = ["group", "system", "n", *(_SHORT.get(c, c) for c in BREAKDOWN_METRICS)]
        body = [
            [group, system, str(m.get("n", 0)), *(fmt(m.get(c), c) for c in BREAKDOWN_METRICS)]
            for group, per_system in groups.items()
            for system, m in per_system.items()
        ]
        lines += _table(header, body)
    lines += ["", "## Inputs", ""]
    for kind, info in inputs.items():
        if isinstance(info, dict) and "path" in info:
            lines.append(f"- {kind}: `{info.get('path')}` sha256 `{str(info.get('sha256', ''))[:16]}…`"
                         + "".join(f", {k} {v}" for k, v in info.items() if k not in ("path", "sha256")))
        elif isinstance(info, dict):
            lines.append(f"- {kind}: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    missing = inputs.get("gold_articles_missing")
    if missing:
        lines.append(f"- gold articles not readable from the article file (a miss for every system): {len(missing)}")
    undated = inputs.get("gold_articles_undated")
    if undated:
        lines.append(f"- undated gold articles (a date filter may drop them; newsrag's does): {len(undated)}")
    lines += ["", "## Settings", "", "```json", json.dumps(
        {k: v for k, v in settings.items() if k != "descriptions"}, indent=2, default=str), "```", ""]
    versions = report.get("versions", {})
    if versions:
        lines.append("Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items() if v) + ".")
        lines.append("")
    return "\n".join(lines)


def fmt_p(p: float) -> str:
    """A p-value for tables: 3 decimals, ``<0.001`` below that.

    Example:
        >>> fmt_p(0.125), fmt_p(1.0), fmt_p(0.00002)
        ('0.125', '1.000', '<0.001')
    """
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _paired_cell(counts: dict[str, Any] | None) -> str:
    if not counts or not counts.get("n"):
        return "-"  # no question where both systems have a value (e.g. hits@k without gold articles)
    return f"{counts['other_only']} / {counts['first_only']} ({fmt_p(counts['p'])})"


def _paired_section(paired: dict[str, Any] | None) -> list[str]:
    """report.md's paired table (:func:`evals.paired.paired_comparison`): rows system × question source, one
    column per metric; nothing for single-system runs and reports written before it existed."""
    if not paired or not paired.get("systems"):
        return []
    first, metrics = paired["first"], paired["metrics"]
    lines = ["", f"## Paired comparison with {first}", "",
             f"Question by question, each other system against {first}: `a / b (p)` = a questions the other "
             f"system scores 1 and {first} 0, b the reverse (questions where both have a value; those where they "
             "agree do not count), and the exact two-sided McNemar p-value (binomial test of a out of a + b at 1/2). "
             "n = questions in the group.", ""]
    body = []
    for other, per in paired["systems"].items():
        groups = {"all": per.get("all"), **per.get("by_source", {})}
        for group, row in groups.items():
            if row:
                body.append([other, group, str(row.get("questions", "")), *(_paired_cell(row.get(m)) for m in metrics)])
    return lines + _table(["system", "source", "n", *metrics], body)


def format_table(report: dict[str, Any], columns: Sequence[str] = TABLE_COLUMNS) -> str:
    """The side-by-side table printed at the end of a run: one row per system, aligned columns.

    Example:
        >>> print(format_table({"systems": {"bm25": {"hits@5": 0.5, "mrr@10": None}}}, ["hits@5", "mrr@10"]))
        system  hits@5  mrr@10
        bm25     0.500       -
    """
    systems: dict[str, dict[str, Any]] = report.get("systems", {})
    header = ["system", *(_SHORT.get(c, c) for c in columns)]
    body = [[name, *(fmt(m.get(c), c) for c in columns)] for name, m in systems.items()]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = []
    for row in [header, *body]:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def write_chart(report: dict[str, Any], path: str | Path) -> None:
    """chart.png: grouped bars of the main quality metrics (0-1) per system; metrics no system has are left out."""
    import matplotlib

    matplotlib.use("Agg")  # no display: reports are written on servers and in CI
    import matplotlib.pyplot as plt

    systems: dict[str, dict[str, Any]] = report.get("systems", {})
    metrics = [m for m in CHART_METRICS if any(s.get(m) is not None for s in systems.values())]
    fig, ax = plt.subplots(figsize=(max(7.0, 1.4 * max(len(metrics), 1) + 3.5), 4.5), dpi=100)
    width = 0.8 / max(len(systems), 1)
    for i, (name, values) in enumerate(systems.items()):
        xs = [j + (i - (len(systems) - 1) / 2) * width for j in range(len(metrics))]
        heights = [values.get(m) or 0.0 for m in metrics]
        bars = ax.bar(xs, heights, width, label=name)
        for bar, metric in zip(bars, metrics, strict=True):
            if values.get(metric) is None:
                bar.set_alpha(0.0)  # not computed for this system: no bar rather than a misleading zero
    ax.set_xticks(range(len(metrics)))
    ax.set_xticklabels(metrics, rotation=20)
    ax.set_ylim(0, 1)
    ax.set_ylabel("score")
    ax.set_title(f"newsdesk eval: {report.get('questions', 0)} questions")
    if systems:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")  # outside: never over a bar
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
