"""``Desk.choose`` on every RealTimeQA question with choices, as the eval calls it: how often the pick is right.

Usage: ``python mc_run.py QUESTIONS.jsonl EVAL_ARCHIVE OUT.json [--limit 120]``. Each question is asked as of the
end of its day (the eval's filters, nothing removed), with the bundled model for the questions the evidence cannot
decide. OUT.json maps each question id to its pick, the right choice and the method; the counts are printed, for
all questions and for the eval's ``--limit 120`` selection. Run it at two commits to compare.
"""

import json
import sys
from collections import Counter

from evals.datasets import load_questions, select_questions
from qa import Desk, SearchFilters


def main(questions: str, archive: str, out: str) -> None:
    desk = Desk.open(archive)
    asked = [q for q in load_questions(questions) if q.choices and q.answer_index is not None]
    selected = {q.qid for q in select_questions(asked, 120)}
    picks, counts = {}, Counter()
    for q in asked:
        pick = desk.choose(q.question, q.choices, SearchFilters(as_of=q.query().as_of))
        right = pick.index == q.answer_index
        picks[q.qid] = {"pick": pick.index, "gold": q.answer_index, "method": pick.method, "right": right}
        for group in ("all", "120") if q.qid in selected else ("all",):
            counts[group, pick.method, right] += 1
    with open(out, "w", encoding="utf-8") as file:
        json.dump(picks, file, indent=1)
    for group in ("all", "120"):
        n = sum(v for k, v in counts.items() if k[0] == group)
        right = sum(v for k, v in counts.items() if k[0] == group and k[2])
        by_method = {m: (counts[group, m, True], counts[group, m, True] + counts[group, m, False])
                     for m in ("evidence", "llm")}
        print(f"{group}: {right}/{n} right ({right / n:.3f}); right/picked by method: {by_method}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
