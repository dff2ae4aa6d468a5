"""An ingest killed (SIGKILL) at several points while another process searches the archive: the reader never fails
and never sees a half-written article, and re-running the ingest gives exactly the archive an uninterrupted ingest
gives (same articles, chunks, vectors and lexical documents; no duplicates, no orphans).

The kill points are the three commits of a batch (after chroma's upsert, after tantivy's commit, after the
manifest's transaction, so the next batch is under way) at chosen batches, and moments picked at random. The real
chromadb, tantivy and SQLite; the hash embedder keeps it fast. Run as a script, this file is the ingest that waits to
be killed.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("concurrency_workers", Path(__file__).with_name("test_concurrency.py"))
assert _spec and _spec.loader
workers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(workers)

# Which method's return is the kill point: the batch's three commits, in the order a write makes them.
STAGES = {
    "vectors": ("index.archive.vectors", "VectorIndex", "upsert"),
    "lexical": ("index.archive.lexical", "LexicalIndex", "replace"),
    "manifest": ("index.archive.manifest", "Manifest", "write"),
}


def ingest_and_stop(archive: Path, articles: Path, stage: str, nth: int) -> None:
    """Worker: ingest, but after the ``nth`` return of the ``stage`` commit say so and wait to be killed."""
    import importlib

    module, cls_name, method = STAGES.get(stage, STAGES["manifest"])
    cls = getattr(importlib.import_module(module), cls_name)
    real = getattr(cls, method)
    calls = [0]

    def stopping(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        result = real(self, *args, **kwargs)
        calls[0] += 1
        if stage in STAGES and calls[0] == nth:
            print(f"at {stage} {nth}", flush=True)
            time.sleep(600)
        return result

    setattr(cls, method, stopping)
    from qa import Desk

    desk = Desk.open(archive, workers.settings())
    print("ingesting", flush=True)
    desk.ingest([articles])
    print("done", flush=True)


def run_killed(archive: Path, articles: Path, stage: str, nth: int, rng: random.Random) -> str:
    """One ingest, killed at ``stage``'s ``nth`` commit (or, for stage "random", at a random moment of it); what
    happened: "killed at ..." or "finished"."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    worker = subprocess.Popen([sys.executable, __file__, str(archive), str(articles), stage, str(nth)], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert worker.stdout is not None
    outcome = "finished"
    for line in worker.stdout:
        if line.startswith("at ") or (stage == "random" and line.startswith("ingesting")):
            if stage == "random":
                time.sleep(rng.uniform(0.0, 1.5))
            if worker.poll() is None:
                os.kill(worker.pid, signal.SIGKILL)
                outcome = f"killed {line.strip()}"
            break
    _, err = worker.communicate(timeout=120)
    assert worker.returncode in (0, -signal.SIGKILL), err[-2000:]
    return outcome


def crash_and_rerun(tmp_path: Path, points: list[tuple[str, int]], count: int) -> list[str]:
    from qa import Desk

    articles = workers.write_articles(tmp_path / "feed.jsonl", "c", count, seed=7)
    reference = tmp_path / "reference"
    Desk.open(reference, workers.settings(), create=True).ingest([articles])

    archive = tmp_path / "crashed"
    seed = workers.write_articles(tmp_path / "seed.jsonl", "s", 6, seed=8)
    Desk.open(archive, workers.settings(), create=True).ingest([seed])
    Desk.open(reference, workers.settings()).ingest([seed])
    stop = tmp_path / "stop"
    reader = workers.start("search", archive, stop, tmp_path / "reader.json")
    rng = random.Random(15)
    outcomes = [run_killed(archive, articles, stage, nth, rng) for stage, nth in points]
    assert run_killed(archive, articles, "none", 0, rng) == "finished", "the re-run completes"
    stop.touch()
    workers.finish(reader)
    seen = json.loads((tmp_path / "reader.json").read_text())
    assert seen["errors"] == [], seen["errors"][:5]
    assert seen["half"] == [], "the reader saw a half-written article"
    assert seen["searches"] >= 20
    workers.same_archive(workers.contents(archive), workers.contents(reference))
    return outcomes


def test_an_ingest_killed_between_its_commits_while_a_reader_searches_then_rerun_loses_nothing(tmp_path):
    outcomes = crash_and_rerun(tmp_path, [("lexical", 2), ("vectors", 2)], count=16)
    assert outcomes == ["killed at lexical 2", "killed at vectors 2"], outcomes


@pytest.mark.slow
def test_an_ingest_killed_at_many_points_while_a_reader_searches_then_rerun_loses_nothing(tmp_path):
    points = [("vectors", 1), ("lexical", 3), ("manifest", 2), ("random", 0), ("vectors", 3), ("random", 0)]
    outcomes = crash_and_rerun(tmp_path, points, count=24)
    assert sum(o.startswith("killed") for o in outcomes) >= 4, outcomes


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    ingest_and_stop(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
