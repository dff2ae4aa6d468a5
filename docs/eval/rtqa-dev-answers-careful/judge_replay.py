"""Replay the re-reading judge on an answer run, with the model text fixed: which answers it changes.

Usage: ``python judge_replay.py ANSWERS.jsonl EVAL_ARCHIVE``. The judge reads with ``answer.judge_model`` when set
(``NEWSDESK_ANSWER__JUDGE_MODEL=qwen2.5-coder-1.5b``), else with ``llm.model``. For each answered question it
re-retrieves the passages (through ``Desk._prepare``, a private step, so the script lives with the runs it reads;
the judge is off there, so the lead is today's unjudged one), checks the run's model sentences with today's check,
and then has the judge:

- re-read each supporting sentence and drop the sentences whose reading disagrees (``Judge.rejects``);
- re-read the quoted lead in its passage and drop it when it rejects it (``Judge.rejects_quote``).

It prints the verdict changes (by the eval's answer judge; an empty answer is an abstention) for the sentences
alone, the lead alone and both, then the re-reads' p50.
"""

import json
import re
import statistics
import sys
import time
from collections import Counter
from datetime import datetime, timezone

from evals.judge import judge_answer
from qa import Desk, SearchFilters, Settings
from qa.answering.judge import judge_for
from qa.answering.support import check_answer

LEAD = re.compile(r"^“.*?”\s*\[\d+\]\s*", re.S)


def verdict(text: str, row: dict) -> str:
    if not text.strip():
        return "abstain"
    right = judge_answer(text, row["gold_answers"], question=row["question"], choices=row.get("choices") or (),
                         answer_index=row.get("gold_choice"))
    return "right" if right else "wrong"


def timed(seconds: list[float], call, *args):
    started = time.perf_counter()
    result = call(*args)
    seconds.append(time.perf_counter() - started)
    return result


def main(answers: str, archive: str) -> None:
    settings = Settings()
    desk = Desk.open(archive, settings.model_copy(update={"answer": settings.answer.model_copy(
        update={"judge": "off"})}))
    judge = judge_for(settings.model_copy(update={"answer": settings.answer.model_copy(
        update={"judge": "reread"})}), desk.llm)
    changes = {part: Counter() for part in ("sentences", "lead", "both")}
    seconds: list[float] = []
    for line in open(answers, encoding="utf-8"):
        row = json.loads(line)
        if row["abstained"] or row["correct"].get("answer_correct") is None:
            continue
        question = row["question"]
        day = datetime.fromisoformat(row["as_of"]).replace(hour=23, minute=59, second=59, tzinfo=timezone.utc)
        prepared = desk._prepare(question, SearchFilters(as_of=day, exclude=row.get("excluded") or []))
        if not hasattr(prepared, "evidence"):  # the gate abstains now: nothing to re-read
            continue
        by_marker = {source.marker: source for source in prepared.evidence}
        text = LEAD.sub("", row["answer"], count=1)
        checked = check_answer(text, prepared.evidence, desk.embedder, desk.settings.answer.support,
                               question=question) if text.strip() else []
        before, after = [], []
        for sentence in (s for s in checked if s.supported):
            before.append(sentence.text)
            source = by_marker[sentence.markers[0]]
            support = next((s for s in source.sentences if sentence.support and s.start == sentence.support.start),
                           None)
            why = support and timed(seconds, judge.rejects, question, sentence.text, source.lead_in(support))
            if why:
                print(f"sentence | {row['qid']} | {question[:60]} | {sentence.text[:60]} | {why}")
            else:
                after.append(sentence.text)  # kept, or supported by the headline: nothing to re-read
        quoted = LEAD.match(row["answer"])
        lead = [quoted.group(0).strip()] if quoted else []
        kept = lead
        if quoted and prepared.lead is not None:
            why = timed(seconds, judge.rejects_quote, question, prepared.lead.sentence.text, prepared.lead.passage)
            if why:
                kept = []
                print(f"lead | {row['qid']} | {question[:60]} | {prepared.lead.sentence.text[:60]} | {why} | "
                      f"gold {row['gold_answers']}")
        was = verdict(" ".join(lead + before), row)
        changes["sentences"][was, verdict(" ".join(lead + after), row)] += 1
        changes["lead"][was, verdict(" ".join(kept + before), row)] += 1
        changes["both"][was, verdict(" ".join(kept + after), row)] += 1
    for part, counts in changes.items():
        print(part, {f"{was} -> {now}": n for (was, now), n in sorted(counts.items())})
    if seconds:
        print(f"re-reads: {len(seconds)}, p50 {statistics.median(seconds):.2f} s")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
