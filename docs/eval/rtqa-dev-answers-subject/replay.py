"""Replay today's retrieval, quoted lead and check on an answer run, the model's text fixed: how each question ends.

Usage: ``python replay.py ANSWERS.jsonl EVAL_ARCHIVE OUT.json``. For each question it re-retrieves the passages and
re-picks the lead (through ``Desk._prepare``, a private step, so the script lives with the runs it re-reads), checks
the run's model sentences (its own quoted lead left out; all of them where the run recorded ``checked``) with today's
check, and judges the lead and the kept
sentences with the eval's answer judge ("abstain" when nothing is left). OUT.json maps each question id to its verdict
and answer; the counts are printed. Run it at two commits and compare the files to see what a change does.
"""

import json
import re
import sys
from collections import Counter
from datetime import datetime, timezone

from evals.judge import judge_answer
from qa import Desk, SearchFilters, Settings
from qa.answering.latest import drop_superseded
from qa.answering.lead import credited_lead
from qa.answering.support import check_answer

LEAD = re.compile(r"^“.*?”\s*\[\d+\]\s*", re.S)


def main(answers: str, archive: str, out: str) -> None:
    desk = Desk.open(archive, Settings(llm={"backend": "fake"}))
    verdicts = {}
    for line in open(answers, encoding="utf-8"):
        row = json.loads(line)
        if not row["abstained"] and row["correct"].get("answer_correct") is None:
            continue  # no gold answer to judge by
        day = datetime.fromisoformat(row["as_of"]).replace(hour=23, minute=59, second=59, tzinfo=timezone.utc)
        prepared = desk._prepare(row["question"], SearchFilters(as_of=day, exclude=row.get("excluded") or []))
        if not hasattr(prepared, "evidence"):  # the gate abstained: no passage is close to the question
            verdicts[row["qid"]] = {"verdict": "abstain", "question": row["question"], "answer": ""}
            continue
        text = _model_text(row)
        checked = check_answer(text, prepared.evidence, desk.embedder, desk.settings.answer.support,
                               question=row["question"]) if text.strip() else []
        # As Desk._finish does: an older report's figure gives way to a later one's (qa.answering.latest), and a
        # source that refused a wrong name is quoted when nothing else is shown (qa.answering.lead.credited_lead).
        checked = drop_superseded(row["question"], checked, prepared.evidence,
                                  prepared.lead.checked() if prepared.lead else None)
        quoted = prepared.lead or credited_lead(row["question"], checked, prepared.evidence, desk.embedder)
        lead = [quoted.text] if quoted else []
        answer = " ".join(lead + [s.text for s in checked if s.supported])
        if not answer.strip():
            verdict = "abstain"
        else:
            right = judge_answer(answer, row["gold_answers"], question=row["question"],
                                 choices=row.get("choices") or (), answer_index=row.get("gold_choice"))
            verdict = "right" if right else "wrong"
        verdicts[row["qid"]] = {"verdict": verdict, "question": row["question"], "answer": answer}
    with open(out, "w", encoding="utf-8") as file:
        json.dump(verdicts, file, indent=1)
    print(Counter(v["verdict"] for v in verdicts.values()))


def _model_text(row: dict) -> str:
    """The model's sentences: all of them, rejected ones too, where the run recorded them (``checked``, since
    c0c979f), so a looser check can be replayed; else the shown answer without its quoted lead (only what the
    check kept: a replay on such a run can reject more, never accept more)."""
    if row.get("checked") is not None:
        sentences = [s["text"] for s in row["checked"]]
        if sentences and not LEAD.sub("", sentences[0], count=1).strip():  # the quoted lead comes first, alone
            sentences = sentences[1:]
        return " ".join(sentences)
    return "" if row["abstained"] else LEAD.sub("", row["answer"] or "", count=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
