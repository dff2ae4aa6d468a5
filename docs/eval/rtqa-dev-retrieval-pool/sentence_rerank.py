"""Re-rank newsdesk's articles in a finished retrieval run by their best sentence's share of the question's words.

Usage (from the project root): ``python docs/eval/rtqa-dev-retrieval-pool/sentence_rerank.py
docs/eval/rtqa-dev-retrieval-pool/answers.jsonl ../shared/data/rtqa2022/articles.jsonl.gz DEPTH WEIGHT OUT.jsonl``,
then ``python -m evals.rescore OUT.jsonl --articles ../shared/data/rtqa2022/articles.jsonl.gz``.

A sentence that restates most of a quiz question is where its answer tends to be (the answer path's lead is chosen
that way). This tries the same reading as a re-ranking of the retrieved articles: each of newsdesk's first DEPTH
articles gets the largest share of the question's content words that one of its sentences holds with the headline,
and they are re-ordered by reciprocal-rank fusion of their retrieval rank and that share's rank, the share weighted
WEIGHT (k = 60, as in retrieval). The other systems' rows are copied unchanged, so the rescored report compares the
re-ranking with all four systems question by question.
"""

import json
import sys

from evals.datasets import load_articles
from index.text import content_words, split_sentences

RRF_K = 60


def best_share(question: str, title: str, text: str) -> float:
    """The largest share of ``question``'s content words that one sentence of ``text`` holds with ``title``."""
    asked = content_words(question)
    if not asked:
        return 0.0
    headline = content_words(title)
    return max((len(asked & (content_words(s.text) | headline)) / len(asked) for s in split_sentences(text)),
               default=0.0)


def rerank(question: str, ranked: list[str], articles, depth: int, weight: float) -> list[str]:
    """``ranked`` with its first ``depth`` articles re-ordered by fused retrieval rank and sentence share."""
    top = ranked[:depth]
    shares = {}
    for article_id in top:
        article = articles.article(article_id)
        shares[article_id] = best_share(question, article.title or "", article.text or "") if article else 0.0
    by_share = {a: i for i, a in enumerate(sorted(top, key=lambda a: -shares[a]))}
    fused = {a: 1 / (RRF_K + i) + weight / (RRF_K + by_share[a]) for i, a in enumerate(top)}
    return sorted(top, key=lambda a: -fused[a]) + ranked[depth:]


def main(answers: str, article_file: str, depth: str, weight: str, out: str) -> None:
    articles = load_articles(article_file)
    with open(answers, encoding="utf-8") as rows, open(out, "w", encoding="utf-8") as sink:
        for line in rows:
            row = json.loads(line)
            if row["system"] == "newsdesk" and row.get("retrieved"):
                row["retrieved"] = rerank(row["question"], row["retrieved"], articles, int(depth), float(weight))
            sink.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
