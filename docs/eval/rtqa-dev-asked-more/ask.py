"""Ask an archive the questions of a file, one per line as "YYYY-MM-DD question" (asked as of that day), and print each
answer with what was left out and why.

Usage: ``python ask.py ARCHIVE questions.txt [--spans] > answers.txt`` (the default model; run from the repository
root with ``PYTHONPATH=.``). Run at two commits on the same archive to see what a change does to plain questions.
With ``--spans``, every sentence is printed with its verdict and the source sentence that supports it.
"""

import sys
from datetime import datetime, timezone

from qa import Desk, Settings


def main(archive: str, questions: str, spans: bool = False) -> None:
    desk = Desk.open(archive, Settings())
    for line in open(questions, encoding="utf-8"):
        if not line.strip():
            continue
        day, question = line.strip().split(" ", 1)
        as_of = datetime.fromisoformat(day).replace(hour=23, minute=59, tzinfo=timezone.utc)
        answer = desk.ask(question, as_of=as_of)
        print(f"\n### [{day}] {question}\n{answer.text}")
        for sentence in answer.sentences:
            if not sentence.supported:
                print(f"   LEFT OUT: {sentence.text} -- {sentence.reason}")
            elif spans and sentence.support is not None:
                print(f"   KEPT: {sentence.text} -- supported by: {sentence.support.text}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], spans="--spans" in sys.argv[3:])
