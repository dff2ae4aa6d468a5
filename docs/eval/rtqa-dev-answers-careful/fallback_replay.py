"""Replay careful mode with the lead's question-word share lowered, the model text fixed: right / wrong / abstain.

Usage (from the project root): ``NEWSDESK_ANSWER__JUDGE_MODEL=qwen2.5-coder-1.5b python
docs/eval/rtqa-dev-answers-careful/fallback_replay.py ANSWERS.jsonl EVAL_ARCHIVE OUT.json``. For every question with
a gold answer it re-retrieves the passages (``Desk._prepare``, a private step, so the script lives with the runs it
reads), checks the run's model sentences with the re-reading judge, picks the lead four ways and has the judge
re-read it:

- ``0.6``: the usual share only (careful mode before the fallback);
- ``t0.5``, ``t0.4``: the usual share, else the lower one (``answer.judged_lead_share``);
- ``f0.4``: as ``t0.4``, and the lower one also when the judge drops the usual lead.

It prints the questions whose answer differs between the ways and the counts per way, and writes every answer to
OUT.json. An empty answer is an abstention; the verdicts are the eval's answer judge.
"""

import json
import sys
from collections import Counter
from datetime import datetime, timezone

from qa import Desk, SearchFilters, Settings
from qa.answering.judge import judge_for
from qa.answering.lead import find_lead, judged_lead
from qa.answering.support import check_answer

sys.path.insert(0, "docs/eval/rtqa-dev-answers-subject")
from judge_replay import verdict  # noqa: E402  (this folder's replay: the eval's judge, "abstain" when empty)
from replay import _model_text  # noqa: E402  (the run's model sentences, as replay.py reads them)

WAYS = ("0.6", "t0.5", "t0.4", "f0.4")
USUAL = 0.6


def _leads(question, evidence, embedder, judge) -> dict:
    """The judged lead each way picks (None where it has none); each quote is re-read once."""
    readings = {}

    def judged(lead):
        if lead is None:
            return None
        if lead.sentence.text not in readings:
            readings[lead.sentence.text] = judged_lead(question, lead, judge)
        return readings[lead.sentence.text]

    def at(share):
        return find_lead(question, evidence, embedder, min_score=0.6, min_word_share=share)

    usual = at(USUAL)
    return {
        "0.6": judged(usual),
        "t0.5": judged(usual) if usual is not None else judged(at(0.5)),
        "t0.4": judged(usual) if usual is not None else judged(at(0.4)),
        "f0.4": judged(usual) or judged(at(0.4)),
    }


def main(answers: str, archive: str, out: str) -> None:
    settings = Settings()
    desk = Desk.open(archive, settings.model_copy(update={"answer": settings.answer.model_copy(
        update={"judge": "off"})}))
    judge = judge_for(settings.model_copy(update={"answer": settings.answer.model_copy(
        update={"judge": "reread"})}), desk.llm)
    counts = {way: Counter() for way in WAYS}
    results = {}
    for line in open(answers, encoding="utf-8"):
        row = json.loads(line)
        if not row["abstained"] and row["correct"].get("answer_correct") is None:
            continue  # no gold answer to judge by
        question = row["question"]
        day = datetime.fromisoformat(row["as_of"]).replace(hour=23, minute=59, second=59, tzinfo=timezone.utc)
        prepared = desk._prepare(question, SearchFilters(as_of=day, exclude=row.get("excluded") or []))
        if not hasattr(prepared, "evidence"):  # the gate abstains: nothing to quote
            results[row["qid"]] = {way: ["abstain", ""] for way in WAYS}
            for way in WAYS:
                counts[way]["abstain"] += 1
            continue
        text = _model_text(row)
        checked = check_answer(text, prepared.evidence, desk.embedder, desk.settings.answer.support,
                               question=question, judge=judge) if text.strip() else []
        kept = [sentence.text for sentence in checked if sentence.supported]
        result = {}
        for way, lead in _leads(question, prepared.evidence, desk.embedder, judge).items():
            answer = " ".join(([lead.text] if lead else []) + kept)
            result[way] = [verdict(answer, row), answer]
            counts[way][result[way][0]] += 1
        results[row["qid"]] = result
        if len({answer for _, answer in result.values()}) > 1:
            print(row["qid"], question[:90], "| gold", row["gold_answers"])
            for way, (said, answer) in result.items():
                print("  ", way, said, answer[:160])
    for way in WAYS:
        print(way, dict(counts[way]))
    with open(out, "w", encoding="utf-8") as file:
        json.dump(results, file, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
