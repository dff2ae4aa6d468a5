"""Measured and dropped: when every sentence the model wrote is refused, ask it once more with the check's reason.

Usage: ``python retry.py ARCHIVE ANSWERS.jsonl OUT.json`` (run from the repository root with ``PYTHONPATH=.``). For
each question of the run that abstained after the model wrote something, it re-retrieves the passages (the run's
``as_of`` and exclusions), checks the run's model text again, continues the conversation with the first refused
sentence and its reason, checks the new reply and judges what is kept. OUT.json maps each question id to its
verdict, both replies and the retry's time; the counts are printed. See NOTES.md.
"""

import json
import re
import sys
import time
from collections import Counter
from datetime import datetime, timezone

from evals.judge import judge_answer
from qa import Desk, SearchFilters, Settings
from qa.answering.answer import ABSTAIN_TEXT, is_abstention
from qa.answering.latest import drop_superseded
from qa.answering.support import check_answer
from qa.llm.base import Message

_NO_SUPPORT = re.compile(r"^no citation, and no passage supports it \((.*)\)$")


def feedback(refused: str, reason: str) -> str:
    """The retry's request: the refused sentence, why, and the same way out as the first prompt."""
    why = _NO_SUPPORT.sub(r"\1", reason)
    return (f'Your answer "{refused}" is not supported: {why}. Answer the question again in one sentence, using the '
            f"excerpts' own words for the answer. If they do not answer it, reply: {ABSTAIN_TEXT}")


def main(archive: str, answers: str, out: str) -> None:
    desk = Desk.open(archive, Settings())
    support = desk.settings.answer.support
    results = {}
    for line in open(answers, encoding="utf-8"):
        row = json.loads(line)
        if not row["abstained"]:
            continue
        question = row["question"]
        day = datetime.fromisoformat(row["as_of"]).replace(hour=23, minute=59, second=59, tzinfo=timezone.utc)
        prepared = desk._prepare(question, SearchFilters(as_of=day, exclude=row.get("excluded") or []))
        text = " ".join(s["text"] for s in row.get("checked") or [])
        if not hasattr(prepared, "evidence") or not text.strip() or is_abstention(text):
            continue  # the gate abstained, or the model did: nothing was refused
        checked = check_answer(text, prepared.evidence, desk.embedder, support, question=question)
        if any(s.supported for s in checked):
            continue
        messages = [*prepared.messages, Message(role="assistant", content=text),
                    Message(role="user", content=feedback(checked[0].text, checked[0].reason or ""))]
        started = time.perf_counter()
        reply = desk.llm.complete(messages, max_tokens=desk.settings.llm.max_tokens).text
        ms = (time.perf_counter() - started) * 1000
        again = [] if is_abstention(reply) else check_answer(reply, prepared.evidence, desk.embedder, support,
                                                               question=question)
        kept = " ".join(s.text for s in drop_superseded(question, again, prepared.evidence) if s.supported)
        right = kept and judge_answer(kept, row["gold_answers"], question=question, choices=row.get("choices") or (),
                                      answer_index=row.get("gold_choice"))
        verdict = "abstain" if not kept else "right" if right else "wrong"
        results[row["qid"]] = {"verdict": verdict, "question": question, "gold": row["gold_answers"], "first": text,
                               "reply": reply, "kept": kept, "ms": ms}
        print(row["qid"], verdict, f"{ms:.0f} ms", "|", question[:80], "|", reply[:160].replace("\n", " "))
    with open(out, "w", encoding="utf-8") as file:
        json.dump(results, file, indent=1)
    print(Counter(v["verdict"] for v in results.values()))


if __name__ == "__main__":
    main(*sys.argv[1:4])
