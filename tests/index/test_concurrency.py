"""Readers and writers of one archive at the same time lose nothing, through the real chromadb, tantivy and SQLite
(the hash embedder and FakeLLM keep it fast): one Desk shared by threads during an ingest, reader processes during
another process's ingest, and two processes ingesting into one new archive at once.

Run as a script, this file is the worker those tests start (``search``, ``ingest``); ``test_crash_readers`` uses it
too. After each test the archive is checked whole: the manifest's chunks are exactly the lexical index's documents,
the embedded ones exactly chroma's vectors, with no orphans and no duplicates.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORDS = (
    "harbor council budget rent tariff cocoa coffee election minister strike reactor drought flood vaccine "
    "pipeline grain port rail court senate treaty border refinery satellite museum airline jets merger bank "
    "inflation wages housing ferry bridge storm wildfire festival stadium league transfer orchestra"
).split()
QUERIES = ["harbor budget", "cocoa tariff", "election minister", "reactor drought", "airline jets merger",
           "storm ferry bridge", "museum festival", "bank inflation wages"]  # fmt: skip


def settings(batch: int = 4):  # noqa: ANN201 - qa is imported late, so the workers start fast
    from qa import Settings

    return Settings(index={"embedding_model": "hash", "upsert_batch_size": batch}, llm={"backend": "fake"})


def write_articles(path: Path, prefix: str, count: int, seed: int, *, shared: int = 0) -> Path:
    """``count`` invented articles of two or three chunks each, ids ``prefix-N``; the first ``shared`` are the same
    in every file written (ids ``both-N``), as when two feeds carry one story."""
    rng = random.Random(seed)
    lines = []
    for n in range(count):
        aid = f"both-{n}" if n < shared else f"{prefix}-{n}"
        story = random.Random(aid) if n < shared else rng
        paragraphs = [" ".join(_sentence(story) for _ in range(8)) for _ in range(3)]
        lines.append(json.dumps({
            "id": aid, "title": f"{aid} {story.choice(WORDS)} {story.choice(WORDS)}", "text": "\n\n".join(paragraphs),
            "source": story.choice(["Wire", "Herald", "Post"]), "date": f"2024-0{1 + n % 9}-1{n % 10}",
        }))  # fmt: skip
    path.write_text("\n".join(lines) + "\n")
    return path


def _sentence(rng: random.Random) -> str:
    # Short sentences: the sentence splitter is slow on long unpunctuated runs.
    return " ".join(rng.choice(WORDS) for _ in range(10)).capitalize() + "."


def start(mode: str, *args: object) -> subprocess.Popen[str]:
    """This file as a worker process (``search`` or ``ingest``)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, __file__, mode, *map(str, args)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def half_written(store, hits) -> list[str]:  # noqa: ANN001
    """The hits whose article the manifest does not hold whole (its chunk count short of what it records)."""
    bad = []
    db = _reading(store)
    for hit in hits:
        aid = hit.article.article_id
        row = db.execute("SELECT n_chunks, text FROM articles WHERE article_id = ?", (aid,)).fetchone()
        held = db.execute("SELECT COUNT(*) FROM chunks WHERE article_id = ?", (aid,)).fetchone()[0]
        if row is None or row[0] != held or row[1][hit.start : hit.end] != hit.text:
            bad.append(hit.chunk_id)
    return bad


def _reading(store):  # noqa: ANN001, ANN202
    # The manifest's connection for this thread's reads.
    return store._manifest._read


def search_until(archive: Path, stop: Path, out: Path) -> None:
    """Worker: search the archive in a loop, reopening it now and then as a new CLI call would, until ``stop``
    exists; record how many searches ran, any exception and any half-written article seen."""
    from qa import Desk, EmptyIndexError

    searches, errors, half = 0, [], []
    desk = None
    while not stop.exists() or searches < 20:
        try:
            if desk is None or searches % 7 == 0:
                desk = Desk.open(archive, settings())
            hits = desk.search(QUERIES[searches % len(QUERIES)], k=8)
            half += half_written(desk.store, hits)
            searches += 1
        except EmptyIndexError:
            time.sleep(0.01)  # the archive is made, its first batch not yet stored
        except Exception as exc:  # noqa: BLE001 - any exception is what this worker reports
            errors.append(f"{type(exc).__name__}: {exc}")
            searches += 1
    out.write_text(json.dumps({"searches": searches, "errors": errors, "half": half}))


def ingest_files(archive: Path, *files: str) -> None:
    """Worker: ingest ``files`` into the archive, printing the report (or the one-line refusal) as JSON."""
    from qa import ArchiveBusyError, Desk

    try:
        report = Desk.open(archive, settings()).ingest(files)
    except ArchiveBusyError as exc:
        print(json.dumps({"refused": str(exc)}))
        return
    print(report.model_dump_json())


def contents(archive: Path) -> dict[str, object]:
    """Everything an archive holds, part by part, to compare two archives and to check one is whole."""
    import tantivy

    from index.archive.store import ArchiveStore
    from index.settings import IndexSettings

    store = ArchiveStore(archive, settings().index)
    db = _reading(store)
    articles = dict(db.execute("SELECT article_id, content_hash FROM articles").fetchall())
    recorded = sum(n for (n,) in db.execute("SELECT n_chunks FROM articles"))
    chunks = dict(db.execute("SELECT chunk_id, text FROM chunks").fetchall())
    dense = IndexSettings().dense_chunks if store.settings.dense_chunks is None else store.settings.dense_chunks
    embedded = sorted(c for c in chunks if dense is None or int(c.rsplit(":", 1)[1]) < dense)
    vectors = store._vectors.collection.get(include=[])["ids"]
    store._lexical._index.reload()
    searcher = store._lexical._index.searcher()
    found = searcher.search(tantivy.Query.all_query(), max(1, searcher.num_docs)).hits
    lexical = [searcher.doc(address).get_first("chunk_id") for _, address in found]
    deleting = store._manifest.deleting()
    store.close()
    return {"articles": articles, "recorded_chunks": recorded, "chunks": chunks, "embedded": embedded,
            "vectors": sorted(vectors), "lexical": sorted(lexical), "deleting": deleting}  # fmt: skip


def assert_whole(held: dict[str, object]) -> None:
    chunks = held["chunks"]
    assert held["recorded_chunks"] == len(chunks), "every article's chunks, no more, no fewer"
    assert held["lexical"] == sorted(chunks), "lexical documents = manifest chunks (no orphans, no duplicates)"
    assert held["vectors"] == held["embedded"], "vectors = embedded chunks (no orphans, no duplicates)"
    assert held["deleting"] == [], "no delete left unfinished"


def same_archive(a: dict[str, object], b: dict[str, object]) -> None:
    assert_whole(a)
    assert_whole(b)
    for part in ("articles", "chunks", "vectors", "lexical"):
        assert a[part] == b[part], f"the {part} differ"


def finish(worker: subprocess.Popen[str], timeout: float = 120) -> str:
    out, err = worker.communicate(timeout=timeout)
    assert worker.returncode == 0, err[-2000:]
    return out


# -- tests ------------------------------------------------------------------------------------------------------


def test_one_desk_shared_by_threads_during_an_ingest(tmp_path):
    from qa import Desk

    first = write_articles(tmp_path / "first.jsonl", "a", 20, seed=1)
    assert Desk.open(tmp_path / "archive", settings(), create=True).ingest([first]).added == 20
    errors: list[str] = []
    answered: list[int] = []
    half: list[str] = []
    for round_ in range(2):
        # A fresh Desk each round, one batch per article: its threads all reach for chroma's client, the manifest
        # and tantivy at once, while its own ingest commits again and again.
        desk = Desk.open(tmp_path / "archive", settings(batch=1))
        more = write_articles(tmp_path / f"more{round_}.jsonl", f"r{round_}", 12, seed=2 + round_)
        done = threading.Event()
        go = threading.Barrier(11)

        def reader(n: int, asks: bool, desk: Desk = desk, done: threading.Event = done, go=go) -> None:  # noqa: ANN001
            go.wait()
            calls = 0
            while not done.is_set() or calls < 5:
                query = QUERIES[(n + calls) % len(QUERIES)]
                try:
                    if asks:
                        assert desk.ask(query + "?").text
                    else:
                        half.extend(half_written(desk.store, desk.search(query, k=8)))
                except Exception as exc:  # noqa: BLE001 - collected and reported below
                    errors.append(f"{type(exc).__name__}: {exc}")
                calls += 1
            answered.append(calls)

        threads = [threading.Thread(target=reader, args=(n, n >= 8)) for n in range(10)]
        for thread in threads:
            thread.start()
        go.wait()
        report = desk.ingest([more])
        done.set()
        for thread in threads:
            thread.join(timeout=120)
        assert report.added == 12
        desk.close()
    assert not errors, errors[:5]
    assert len(answered) == 20 and min(answered) >= 5, answered
    assert not half, f"half-written articles seen: {half[:5]}"
    held = contents(tmp_path / "archive")
    assert_whole(held)
    assert len(held["articles"]) == 44


def test_threads_of_one_desk_never_see_its_ingest_half_committed(tmp_path):
    from qa import Desk

    desk = Desk.open(tmp_path / "archive", settings(), create=True)
    assert desk.ingest([write_articles(tmp_path / "a.jsonl", "a", 4, seed=1)]).added == 4
    manifest = desk.store._manifest
    inserted, resume = threading.Event(), threading.Event()

    class Paused:
        # The manifest's transaction, stopped after the new chunks and before their article rows.
        def __init__(self, db):  # noqa: ANN001
            self._db = db

        def executemany(self, sql, rows):  # noqa: ANN001, ANN201
            if sql.startswith("INSERT INTO articles"):
                inserted.set()
                resume.wait(30)
            return self._db.executemany(sql, rows)

        def __getattr__(self, name):  # noqa: ANN001, ANN204
            return getattr(self._db, name)

        def __enter__(self):  # noqa: ANN204
            return self._db.__enter__()

        def __exit__(self, *exc):  # noqa: ANN002, ANN204
            return self._db.__exit__(*exc)

    real, manifest._db = manifest._db, Paused(manifest._db)
    new = write_articles(tmp_path / "b.jsonl", "b", 2, seed=5)
    writer = threading.Thread(target=desk.ingest, args=([new],))
    writer.start()
    try:
        assert inserted.wait(60), "the ingest reached its manifest transaction"
        seen: list[object] = []
        reader = threading.Thread(target=lambda: seen.extend(desk.search(QUERIES[n], k=20) for n in range(4)))
        reader.start()
        reader.join(60)
        hits = [hit for found in seen for hit in found]
        assert len(seen) == 4, "every search answered while the write is under way"
        assert {h.article.article_id for h in hits} <= {f"a-{n}" for n in range(4)}, (
            "the article being written is not found before its transaction commits"
        )
        assert not half_written(desk.store, hits)
    finally:
        resume.set()
        writer.join(60)
        manifest._db = real
    assert desk.stats().articles == 6
    desk.close()


def test_threads_opening_one_desk_at_once_share_one_chroma_client(tmp_path):
    from qa import Desk

    Desk.open(tmp_path / "archive", settings(), create=True).ingest([write_articles(tmp_path / "a.jsonl", "a", 2, 1)])
    desk = Desk.open(tmp_path / "archive", settings())
    go = threading.Barrier(8)
    made: list[object] = []

    def touch() -> None:
        go.wait()
        made.append(desk.store._vectors.collection)

    threads = [threading.Thread(target=touch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(made) == 8 and len({id(c) for c in made}) == 1, "chroma's client is made once, not once per thread"
    desk.close()


@pytest.mark.slow
def test_reader_processes_during_another_process_ingest(tmp_path):
    from qa import Desk

    Desk.open(tmp_path / "archive", settings(), create=True).ingest([write_articles(tmp_path / "a.jsonl", "a", 20, 1)])
    more = write_articles(tmp_path / "b.jsonl", "b", 60, seed=2)
    stop = tmp_path / "stop"
    readers = [start("search", tmp_path / "archive", stop, tmp_path / f"reader{n}.json") for n in range(2)]
    time.sleep(1.0)  # the readers have started searching
    report = json.loads(finish(start("ingest", tmp_path / "archive", more)))
    stop.touch()
    for n, worker in enumerate(readers):
        finish(worker)
        result = json.loads((tmp_path / f"reader{n}.json").read_text())
        assert result["errors"] == [] and result["searches"] >= 20, result["errors"][:5]
        assert result["half"] == [], "a reader saw a half-written article"
    assert report["added"] == 60
    held = contents(tmp_path / "archive")
    assert_whole(held)
    assert len(held["articles"]) == 80


@pytest.mark.slow
def test_two_processes_ingesting_into_one_new_archive_take_turns(tmp_path):
    one = write_articles(tmp_path / "one.jsonl", "one", 20, seed=1, shared=5)
    two = write_articles(tmp_path / "two.jsonl", "two", 20, seed=2, shared=5)
    workers = [start("ingest", tmp_path / "together", path) for path in (one, two)]
    reports = [json.loads(finish(worker)) for worker in workers]
    assert not any("refused" in r for r in reports), "the second waits for the first (WAIT_SECONDS), not refused"
    assert sorted(r["added"] for r in reports) == [15, 20] and sorted(r["unchanged"] for r in reports) == [0, 5], (
        "the second ingest sees the first's articles: the shared five are stored once"
    )
    finish(start("ingest", tmp_path / "alone", one, two))
    same_archive(contents(tmp_path / "together"), contents(tmp_path / "alone"))


def test_a_writer_waits_for_another_then_is_refused_with_one_line(tmp_path, monkeypatch):
    import index.archive.lock
    from qa import ArchiveBusyError, Desk

    desk = Desk.open(tmp_path / "archive", settings(), create=True)
    articles = write_articles(tmp_path / "a.jsonl", "a", 3, seed=1)
    holder = subprocess.Popen(  # another process in the middle of an ingest
        [sys.executable, "-c", "import fcntl, sys, time; f = open(sys.argv[1], 'a+'); fcntl.flock(f, fcntl.LOCK_EX); "
         "f.truncate(0); f.write('4242'); f.flush(); print('locked', flush=True); time.sleep(60)",
         str(tmp_path / "archive" / "write.lock")], stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert holder.stdout.readline().strip() == "locked"
    monkeypatch.setattr(index.archive.lock, "WAIT_SECONDS", 0.5)
    try:
        started = time.monotonic()
        try:
            desk.ingest([articles])
        except ArchiveBusyError as exc:
            message = str(exc)
        else:
            raise AssertionError("the ingest went ahead while another process held the write lock")
        assert time.monotonic() - started >= 0.5, "it waited first"
        assert "\n" not in message and "being written by another process (pid 4242)" in message, message
        assert "run this again once that ingest or delete has ended" in message
        assert desk.stats().articles == 0, "reading goes on meanwhile"
    finally:
        holder.kill()
        holder.wait()
    assert desk.ingest([articles]).added == 3, "once the other writer is gone, the ingest goes ahead"


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    mode, *rest = sys.argv[1:]
    if mode == "search":
        search_until(Path(rest[0]), Path(rest[1]), Path(rest[2]))
    elif mode == "ingest":
        ingest_files(Path(rest[0]), *rest[1:])
    else:
        raise SystemExit(f"unknown mode {mode}")
