"""Eight conversations asked of an archive through ``Desk.chat``, as a chat user would: each first question, then its
follow-ups, each as of the day given. Prints what each follow-up was searched as (the model's rewrite, or the
previous question joined with it) and the answer.

    PYTHONPATH=. python docs/eval/chat-follow-ups/chat.py <eval archive>
"""

import sys
import time
from datetime import datetime, timezone

from qa import Desk, Settings

CONVERSATIONS = [
    ("2022-07-08", ["Who shot Shinzo Abe?", "What weapon did he use?", "Where did it happen?"]),
    ("2022-08-12", ["What did the FBI take from Mar-a-Lago?", "What did Trump say about it?"]),
    ("2022-08-05", ["What happened to Brittney Griner?", "How long is her sentence?", "What did Biden say?"]),
    ("2022-07-08", ["Why did Boris Johnson resign?", "Who could replace him?"]),
    ("2022-08-04", ["Where did Nancy Pelosi travel this week?", "How did China respond?", "And the US?"]),
    ("2022-06-30", ["What did the Supreme Court decide about Roe v. Wade?",
                    "Which states banned abortion after that?"]),
    ("2022-07-22", ["Which two candidates are left in the Conservative leadership race?",
                    "When will the winner be announced?"]),
    ("2022-08-19", ["What water cuts did the federal government announce?", "Which states are affected?"]),
]


def main(archive: str) -> None:
    desk = Desk.open(archive, Settings())
    for day, turns in CONVERSATIONS:
        chat = desk.chat(as_of=datetime.fromisoformat(day).replace(hour=23, tzinfo=timezone.utc))
        print(f"\n======== {day}")
        for message in turns:
            started = time.perf_counter()
            answer = chat.ask(message)
            print(f"\n> {message}  ({time.perf_counter() - started:.1f}s)\n  (searched: {answer.rewritten_question})\n"
                  f"{answer.text[:500]}")


if __name__ == "__main__":
    main(sys.argv[1])
