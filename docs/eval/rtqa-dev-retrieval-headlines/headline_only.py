"""How many of newsdesk's top-5 articles on RealTimeQA dev were found by the headline search alone, and whether any
of them is a gold article or holds the answer's text.

Usage: ``python headline_only.py EVAL_ARCHIVE``, run with the code before the change (db1dc95), when the headline
ranking still added candidates of its own: a hit with neither a dense nor a BM25 score came from it alone. With
today's code it counts 0.
"""

import sys

from evals.datasets import load_articles, load_questions, resolve_gold
from evals.metrics import bearing_needles, bears_answer
from evals.scoring import canonical
from qa import Desk, SearchFilters, Settings

DATA = "../shared/data/rtqa2022"


def main(archive: str) -> None:
    questions = load_questions(f"{DATA}/questions-dev.jsonl")
    articles = load_articles(f"{DATA}/articles.jsonl.gz")
    canon = canonical(articles)
    desk = Desk.open(archive, Settings())
    top5 = headline_only = first = gold = bearing = 0
    for question in questions:
        query = question.query()
        golds = {canon(a) for a in resolve_gold(question, articles)}
        needles = bearing_needles(question.answers)
        hits = desk.search(query.text, SearchFilters(as_of=query.as_of, exclude=query.removed), k=10)
        ranked = list(dict.fromkeys(h.article_id for h in hits))[:5]
        by_article = {h.article_id: h for h in reversed(hits)}  # each article's best passage
        top5 += len(ranked)
        for rank, article_id in enumerate(ranked, start=1):
            hit = by_article[article_id]
            if hit.dense_score is None and hit.lexical_score is None:
                headline_only += 1
                first += rank == 1
                gold += canon(article_id) in golds
                bearing += bears_answer(articles.normalized_text(article_id), needles)
    print(f"top-5 articles {top5}; found by the headline search alone {headline_only} (at rank 1: {first}); "
          f"of those, gold {gold}, holding the answer's text {bearing}")


if __name__ == "__main__":
    main(sys.argv[1])
