"""Re-check the shown model sentences of an answer run with today's check (the quoted lead left out): which answers
would now be rejected, split by the run's own judgement of them.

Usage: ``python recheck.py ANSWERS.jsonl EVAL_ARCHIVE``, where EVAL_ARCHIVE is the newsdesk archive the eval built
(under ``~/.cache/newsdesk/eval-archives``). It re-retrieves each question's passages through ``Desk._prepare``, a
private step, so it belongs with the runs it re-reads rather than in the package.
"""

import json
import re
import sys
from datetime import datetime, timezone

from qa import Desk, SearchFilters, Settings
from qa.answering.support import check_answer

LEAD = re.compile(r"^“.*?”\s*\[\d+\]\s*", re.S)


def main(answers: str, archive: str) -> None:
    desk = Desk.open(archive, Settings(llm={"backend": "fake"}))
    counts = {"right": [0, 0], "wrong": [0, 0]}
    for line in open(answers, encoding="utf-8"):
        row = json.loads(line)
        judged = row["correct"].get("answer_correct")
        if row["abstained"] or judged is None:
            continue
        kind = "right" if judged else "wrong"
        counts[kind][1] += 1
        text = LEAD.sub("", row["answer"], count=1)
        if not text.strip():
            continue
        day = datetime.fromisoformat(row["as_of"]).replace(hour=23, minute=59, second=59, tzinfo=timezone.utc)
        prepared = desk._prepare(row["question"], SearchFilters(as_of=day, exclude=row.get("excluded") or []))
        checked = check_answer(text, prepared.evidence, desk.embedder, desk.settings.answer.support,
                               question=row["question"])
        if checked and not any(sentence.supported for sentence in checked):
            counts[kind][0] += 1
            print(kind, row["qid"], "|", row["question"][:80], "|", text[:120], "|", checked[0].reason)
    print({kind: f"{rejected} of {total} rejected" for kind, (rejected, total) in counts.items()})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
