"""Replay ``answer.judge=reread`` on an answer run: which answers it would change, split by the run's own judgement.

Usage: ``python reread.py ANSWERS.jsonl EVAL_ARCHIVE`` (the model is the settings' ``llm.model``: set
``NEWSDESK_LLM__MODEL=qwen2.5-coder-1.5b`` for the 1.5B). For each answered question it re-retrieves the passages
(through ``Desk._prepare``, a private step, so the script lives with the runs it re-reads), checks the run's model
sentences with today's check, has the model re-read each supporting sentence (``Judge.reads``) and drops the sentences
whose reading disagrees (``agrees``). The answer left (the run's quoted lead, if any, and the kept sentences) is judged
again by the eval's answer judge; an empty one is an abstention. The run's model text is fixed: only the check moves.
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
from qa.answering.judge import Judge, agrees
from qa.answering.support import check_answer

LEAD = re.compile(r"^“.*?”\s*\[\d+\]\s*", re.S)


def verdict(text: str, row: dict) -> str:
    if not text.strip():
        return "abstain"
    right = judge_answer(text, row["gold_answers"], question=row["question"], choices=row.get("choices") or (),
                         answer_index=row.get("gold_choice"))
    return "right" if right else "wrong"


def main(answers: str, archive: str) -> None:
    desk = Desk.open(archive, Settings())
    judge = Judge(desk.llm, method="reread")
    changes: Counter = Counter()
    seconds = []
    for line in open(answers, encoding="utf-8"):
        row = json.loads(line)
        if row["abstained"] or row["correct"].get("answer_correct") is None:
            continue
        lead = LEAD.match(row["answer"])
        text = LEAD.sub("", row["answer"], count=1)
        day = datetime.fromisoformat(row["as_of"]).replace(hour=23, minute=59, second=59, tzinfo=timezone.utc)
        prepared = desk._prepare(row["question"], SearchFilters(as_of=day, exclude=row.get("excluded") or []))
        if not hasattr(prepared, "evidence"):  # the gate abstains now: nothing to re-read
            continue
        by_marker = {source.marker: source for source in prepared.evidence}
        checked = check_answer(text, prepared.evidence, desk.embedder, desk.settings.answer.support,
                               question=row["question"]) if text.strip() else []
        before, after = [], []
        for sentence in checked:
            if not sentence.supported:
                continue
            before.append(sentence.text)
            source = by_marker[sentence.markers[0]]
            support = next((s for s in source.sentences if sentence.support and s.start == sentence.support.start),
                           None)
            if support is None:  # supported by the headline: nothing to re-read
                after.append(sentence.text)
                continue
            started = time.perf_counter()
            reading = judge.reads(row["question"], source.lead_in(support))
            seconds.append(time.perf_counter() - started)
            if agrees(row["question"], sentence.text, reading):
                after.append(sentence.text)
            else:
                print(f"{row['qid']} | {row['question'][:70]} | {sentence.text[:70]} | read: {reading[:60]}")
        quoted = [lead.group(0).strip()] if lead else []
        was, now = verdict(" ".join(quoted + before), row), verdict(" ".join(quoted + after), row)
        changes[(was, now)] += 1
    print({f"{was} -> {now}": n for (was, now), n in sorted(changes.items())})
    if seconds:
        print(f"re-reads: {len(seconds)}, p50 {statistics.median(seconds):.2f} s")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
