"""newsdesk's evaluation suite: retrieval, answer and citation quality against baselines on the same articles.

Run it as ``python -m evals --questions Q.jsonl --articles A.jsonl.gz --out reports/x`` (or ``newsdesk eval``),
or from Python with :func:`evals.run`. Metric definitions are in ``evals/README.md``.
"""

from evals.datasets import ArticleSet, DatasetError, Query, Question, load_articles, load_questions, select_questions
from evals.report import format_table, write_report
from evals.runner import run
from evals.systems import SYSTEM_NAMES

__all__ = [
    "run", "format_table", "write_report", "SYSTEM_NAMES",
    "load_questions", "load_articles", "select_questions", "Question", "Query", "ArticleSet", "DatasetError",
]
