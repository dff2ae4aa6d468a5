"""Score a finished run's answers.jsonl again with the current metrics, without running any system.

Each row of answers.jsonl holds the question, its gold labels (gold article ids already resolved, copies
included), the articles retrieved and the answer, so every per-question metric can be recomputed from it; only the
answer-bearing metrics need the article file, for the texts and (ab_asof@k) the dates. Rows of older runs, which
lack newer fields (``unanswerable``, ``excluded``), read as a normal run. Latencies and token counts are not in
answers.jsonl, so they stay empty.

Example:
    python -m evals.rescore docs/eval/rtqa-dev-retrieval/answers.jsonl \\
        --articles ../shared/data/rtqa2022/articles.jsonl.gz
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from evals.datasets import ArticleSet, Question, load_articles
from evals.paired import paired_comparison
from evals.report import render_markdown
from evals.scoring import aggregate, breakdowns, canonical, score_question


def question_of(row: dict[str, Any]) -> Question:
    """The question an answers.jsonl row was asked, with its gold labels.

    Example:
        >>> question_of({"qid": "q", "question": "Who?", "as_of": "2022-06-16", "choices": ["A", "B"],
        ...              "gold_answers": ["B"], "gold_choice": 1, "gold_article_ids": ["g"], "source": "CNN"}).as_of
        datetime.date(2022, 6, 16)
    """
    return Question(
        qid=row["qid"], question=row["question"], as_of=date.fromisoformat(row["as_of"]) if row.get("as_of") else None,
        choices=tuple(row.get("choices") or ()), answer_index=row.get("gold_choice"),
        answers=tuple(row.get("gold_answers") or ()), gold_article_ids=tuple(row.get("gold_article_ids") or ()),
        source=row.get("source"), unanswerable=bool(row.get("unanswerable", False)),
    )


def record_of(row: dict[str, Any]) -> dict[str, Any]:
    """The run record an answers.jsonl row was made from (without timings)."""
    record: dict[str, Any] = {"retrieved": row.get("retrieved") or [], "error": row.get("error")}
    if row.get("answer") is not None:
        record["answer"] = {key: row.get(key) for key in (
            "abstained", "citations", "mc_choice", "mc_reply", "mc_text_choice", "mc_text_reply", "checked")}
        record["answer"]["text"] = row["answer"]
        record["answer"]["citations"] = row.get("citations") or []
    return record


def rescore(rows: Sequence[dict[str, Any]], articles: ArticleSet) -> dict[str, Any]:
    """A report (``questions``, ``systems``, ``breakdowns``) recomputed from answers.jsonl rows.

    Args:
        rows: the rows, one per question and system.
        articles: the article file the run indexed (for answer-bearing metrics).
    """
    questions: dict[str, Question] = {}
    records: dict[str, dict[str, dict[str, Any]]] = {}
    for row in rows:
        questions.setdefault(row["qid"], question_of(row))
        records.setdefault(row["system"], {})[row["qid"]] = record_of(row)
    canon = canonical(articles)
    ordered = list(questions.values())
    flags = {
        name: {q.qid: score_question(q, frozenset(q.gold_article_ids), per_q[q.qid], canon, articles)
               for q in ordered if q.qid in per_q}
        for name, per_q in records.items()
    }
    missing = [name for name, per_q in flags.items() if len(per_q) != len(ordered)]
    if missing:
        raise ValueError(f"systems {', '.join(missing)} lack rows for some questions: not one run's answers.jsonl")
    return {
        "questions": len(ordered),
        "questions_with_gold_articles": sum(1 for q in ordered if q.gold_article_ids),
        "systems": {
            name: aggregate([flags[name][q.qid] for q in ordered], [records[name][q.qid] for q in ordered])
            for name in records
        },
        "breakdowns": breakdowns(ordered, flags),
        "paired": paired_comparison(ordered, flags),
        "settings": {"answers": any("answer" in r for per_q in records.values() for r in per_q.values()),
                     "systems": list(records)},
    }


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m evals.rescore ANSWERS --articles A [--out DIR]``: print the re-scored report as Markdown."""
    parser = argparse.ArgumentParser(prog="python -m evals.rescore", description=main.__doc__)
    parser.add_argument("answers", help="a run's answers.jsonl")
    parser.add_argument("--articles", required=True, help="the article file that run indexed")
    parser.add_argument("--out", default=None, help="also write report.json and report.md here")
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in Path(args.answers).read_text(encoding="utf-8").splitlines() if line.strip()]
    report = rescore(rows, load_articles(args.articles))
    report["settings"]["rescored_from"] = args.answers
    markdown = render_markdown(report)
    print(markdown)
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (out / "report.md").write_text(markdown, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
