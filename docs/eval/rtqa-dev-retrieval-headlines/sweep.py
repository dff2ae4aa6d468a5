"""Retrieval metrics of newsdesk alone under retrieval settings other than the default, from one open archive.

Usage: ``python sweep.py EVAL_ARCHIVE '{"name": {"recency_weight": 2}, ...}' [OUT.json]``. For each named variant it
searches every RealTimeQA dev question as the eval does (``Desk.search``, k=10, as of the end of the question's day),
scores it with the eval's own metrics, and prints Hits@1/@5, MRR@10 and ab@1/@5/@10 over all questions and ab@1/@5 by
question source. OUT.json keeps each question's flags and first five articles, to read what a variant changed.
Search only: seconds per variant.
"""

import json
import sys

from evals.datasets import load_articles, load_questions, resolve_gold
from evals.scoring import canonical, score_question
from evals.systems.base import ranked_articles
from qa import Desk, SearchFilters, Settings

DATA = "../shared/data/rtqa2022"
METRICS = ("hits@1", "hits@5", "mrr@10", "ab@1", "ab@5", "ab@10")


def main(archive: str, variants: dict[str, dict], out: str | None = None) -> None:
    questions = load_questions(f"{DATA}/questions-dev.jsonl")
    articles = load_articles(f"{DATA}/articles.jsonl.gz")
    canon = canonical(articles)
    desk = Desk.open(archive, Settings())
    default = desk.settings.retrieval
    kept = {}
    for name, changes in variants.items():
        desk.settings.retrieval = default.model_copy(update=changes)
        flags, per_question = [], {}
        for question in questions:
            query = question.query()
            hits = desk.search(query.text, SearchFilters(as_of=query.as_of, exclude=query.removed), k=10)
            record = {"retrieved": ranked_articles([h.article_id for h in hits])}
            flag = score_question(question, resolve_gold(question, articles), record, canon, articles)
            flags.append((question.source, flag))
            per_question[question.qid] = {**{k: flag[k] for k in ("hits@1", "hits@5", "ab@1", "ab@5", "ab@10")},
                                          "top": record["retrieved"][:5]}
        kept[name] = per_question
        row = " ".join(f"{key} {_mean(flags, key):.3f}" for key in METRICS)
        by_source = " ".join(f"{source}: {_mean(flags, 'ab@1', source):.3f}/{_mean(flags, 'ab@5', source):.3f}"
                             for source in ("CNN", "THE WEEK", "USAtoday"))
        print(f"{name}: {row} | ab@1/ab@5 {by_source}", flush=True)
    if out:
        with open(out, "w", encoding="utf-8") as f:
            json.dump(kept, f)


def _mean(flags: list[tuple[str | None, dict]], key: str, source: str | None = None) -> float:
    """The mean of ``key`` over the questions that have it, of ``source`` only when given."""
    values = [flag[key] for of, flag in flags if flag[key] is not None and source in (None, of)]
    return sum(values) / len(values)


if __name__ == "__main__":
    main(sys.argv[1], json.loads(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else None)
