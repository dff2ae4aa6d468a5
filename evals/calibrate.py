"""Commands that check the eval's own judgements against real data (not imported by the package).

- ``python -m evals.calibrate judge [LABELS ...]``: the answer judge's agreement with hand labels (default both
  rounds in docs/eval/judge-calibration/), and every disagreement.
- ``python -m evals.calibrate unanswerable --questions Q --articles A``: the unanswerable set of a question file as
  JSON Lines on stdout, and its size on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from evals.datasets import load_articles, load_questions
from evals.judge import CONTENT_SHARE, agreement
from evals.unanswerable import derive_unanswerable

CALIBRATION = Path(__file__).resolve().parent.parent / "docs" / "eval" / "judge-calibration"
# The first round, which the judge's share and ordinals were tuned on, and the second, drawn from later runs.
LABELS = (CALIBRATION / "labels.jsonl", CALIBRATION / "labels-2.jsonl")


def judge(labels: Sequence[Path], share: float) -> int:
    """Print the judge's agreement with the hand labels of each file in ``labels``, then the disagreements."""
    for path in labels:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        score, disagreements = agreement(rows, share)
        print(f"{path.name}: agreement {score:.3f} ({len(rows) - len(disagreements)}/{len(rows)}) at share {share:.3f}")
        for row in disagreements:
            print(f"- {row['qid']} {row['system']}: labelled {row['label']}, judged {row['judge']}: "
                  f"{row['answer'][:140]!r} (gold {row['gold']})")
    return 0


def unanswerable(questions: str, articles: str) -> int:
    """Print the unanswerable set of ``questions`` over ``articles`` as JSON Lines, and its size on stderr."""
    loaded = load_questions(questions)
    derived = derive_unanswerable(loaded, load_articles(articles))
    for q in derived.questions:
        print(json.dumps({
            "qid": q.qid, "question": q.question, "asked_on": str(derived.asked_on[q.qid]), "as_of": str(q.as_of),
            "answers": list(q.answers), "source": q.source, "excluded": list(derived.exclude[q.qid]),
        }, ensure_ascii=False))
    summary = derived.summary()
    print(f"{summary['kept']} of {len(loaded)} questions kept; dropped: {summary['dropped']}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one of the commands; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m evals.calibrate", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    judge_cmd = commands.add_parser("judge", help="the answer judge's agreement with hand labels")
    judge_cmd.add_argument("labels", nargs="*", default=[str(p) for p in LABELS], help="hand labels (JSON Lines)")
    judge_cmd.add_argument("--share", type=float, default=CONTENT_SHARE, help="content-word share to judge with")
    derive_cmd = commands.add_parser("unanswerable", help="list the unanswerable set of a question file")
    derive_cmd.add_argument("--questions", required=True, help="question file (newsdesk or RealTimeQA JSON Lines)")
    derive_cmd.add_argument("--articles", required=True, help="article file (JSONL, .gz ok)")
    args = parser.parse_args(argv)
    if args.command == "judge":
        return judge([Path(p) for p in args.labels], args.share)
    return unanswerable(args.questions, args.articles)


if __name__ == "__main__":
    sys.exit(main())
