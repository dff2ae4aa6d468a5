"""Draw the throughput of one ``newsdesk bench --articles`` run from its progress bar: articles ingested over time and
the rate over a sliding window. Usage: ``python docs/bench-ingest-chart.py STDERR.txt OUT.png [TITLE]``, where
STDERR.txt is what the command printed on stderr (tqdm's lines: ``N/TOTAL [elapsed<remaining, rate]``)."""

import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend

WINDOW_SECONDS = 120
PROGRESS = re.compile(r"(\d+)/\d+ \[((?:\d+:)?\d+:\d+)<")


def main(log: str, out: str, title: str = "ingest") -> None:
    done_at: dict[int, int] = {}
    text = open(log, encoding="utf-8", errors="replace").read()
    for done, clock in PROGRESS.findall(text):
        seconds = sum(int(part) * 60**i for i, part in enumerate(reversed(clock.split(":"))))
        done_at[seconds] = max(done_at.get(seconds, 0), int(done))
    times = sorted(done_at)
    rate_minutes, rates = [], []
    for t in times:
        earlier = [s for s in times if t - WINDOW_SECONDS <= s < t]
        if earlier and t >= WINDOW_SECONDS:
            rate_minutes.append(t / 60)
            rates.append((done_at[t] - done_at[earlier[0]]) / (t - earlier[0]))
    fig, (count, rate) = plt.subplots(2, 1, figsize=(8, 5.5), sharex=True)
    count.plot([t / 60 for t in times], [done_at[t] for t in times])
    count.set_ylabel("articles ingested")
    count.set_title(title)
    rate.plot(rate_minutes, rates)
    rate.set_ylabel(f"articles/s ({WINDOW_SECONDS // 60}-min window)")
    rate.set_xlabel("minutes")
    rate.set_ylim(bottom=0)
    fig.tight_layout()
    fig.savefig(out, dpi=90)


if __name__ == "__main__":
    main(*sys.argv[1:4])
