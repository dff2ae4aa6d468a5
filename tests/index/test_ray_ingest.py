"""Distributed ingest (index.distributed.RayStages, ``newsdesk ingest --ray``) stores exactly what a single-process
ingest stores, and reports the same. One local Ray cluster serves the whole module: starting one takes seconds."""

from __future__ import annotations

import gzip
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import ray  # noqa: F401 - the test extra installs Ray: without it this module fails, never skips
from click.testing import CliRunner

from index import ArchiveStore, HashEmbedder, IndexSettings, IngestReport, MiniLMEmbedder, ingest
from index.archive.manifest import MANIFEST
from index.archive.vectors import make_client
from index.articles import Article
from index.cluster import INSTALL_HINT, ray_session
from index.distributed import RayStages
from index.errors import ClusterError
from tests.servers import free_port
from ui.cli import cli

FIXTURES = Path(__file__).parents[1] / "fixtures"
PROJECT = Path(__file__).parents[2]
HASH = IndexSettings(embedding_model="hash", upsert_batch_size=5)

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Harbor Herald</title>
<item><title>Ferry timetable changes</title><link>https://harborherald.example/ferry</link>
<description>&lt;p&gt;The ferry runs hourly from May.&lt;/p&gt;</description>
<pubDate>Tue, 06 Feb 2024 18:00:00 GMT</pubDate><guid>ferry-1</guid></item>
<item><title>Second item</title><link>https://harborherald.example/two</link><description>Two.</description>
<pubDate>Wed, 07 Feb 2024 09:00:00 +0100</pubDate></item></channel></rss>"""

HTML = """<html><head><title>Museum returns statue | Culture Post</title>
<meta property="og:site_name" content="Culture Post"><meta name="date" content="2024-06-12"></head><body>
<article><h1>Museum returns bronze statue</h1>
<p>The city museum returned a bronze statue to its country of origin on Wednesday after a ten-year dispute
over its ownership, officials from both governments said at a ceremony.</p>
<p>The statue, which dates from the 12th century, will go on display in the national museum next month.</p>
</article></body></html>"""


def _record(i: int, text: str | None = None) -> dict[str, str]:
    body = text or " ".join(f"Story {i} sentence {n} tells of the harbor, the ferry and the council." for n in range(4))
    return {"id": f"big-{i}", "title": f"Big {i}", "text": body, "source": "Wire", "published_at": "2024-03-01"}


def write_inputs(folder: Path) -> list[Path]:
    """Every format, bad records and files, duplicates within and across files and a changed version of an
    article; the big file streams back from its task in several groups, and makes several write batches."""
    folder.mkdir()
    fx1 = json.loads((FIXTURES / "articles.jsonl").read_text().splitlines()[0])
    (folder / "a_feed.rss").write_text(RSS)
    (folder / "b_page.html").write_text(HTML)
    (folder / "c_table.csv").write_text(
        "title,text,url\n"
        f'Copy of fx-1,"{fx1["text"]}",https://copy.example/1\n'  # same text as fx-1: a duplicate
        "Bridge,The bridge reopens on Monday.,https://bridge.example/1\n"
    )
    (folder / "d_bad.jsonl").write_text(
        '{"title": "Broken", "text": \n'
        '{"foo": 1}\n'
        + (FIXTURES / "articles.jsonl").read_text().splitlines()[1] + "\n"  # fx-2 again: unchanged in this run
    )
    records = [_record(i) for i in range(40)]
    records[25] = {**records[5], "id": "big-25"}  # a second id for the same text: a duplicate
    records[30] = _record(3, "Big story 3, corrected: the ferry runs every half hour.")  # big-3 changed
    records[12] = _record(12, "A long report. " + "The council debated the harbor budget at length. " * 300)
    with gzip.open(folder / "e_big.jsonl.gz", "wt") as handle:
        handle.writelines(json.dumps(r) + "\n" for r in records)
    damaged = gzip.compress("".join(json.dumps(_record(100 + i)) + "\n" for i in range(6)).encode())
    (folder / "f_damaged.jsonl.gz").write_bytes(damaged[: len(damaged) * 2 // 3])
    (folder / "g_note.md").write_text("---\ntitle: Harbor note\n---\nThe harbor master retires in June.\n")
    return [FIXTURES / "articles.jsonl", folder, folder / "missing.json"]


def contents(store: ArchiveStore) -> tuple[list, list, dict[str, list[float]]]:
    """Every stored article and chunk (the manifest, but for ingest times) and every vector."""
    with sqlite3.connect(f"file:{store.path / MANIFEST}?mode=ro", uri=True) as db:
        articles = db.execute(
            "SELECT article_id, content_hash, text_hash, title, source, url, published_ts, authors, language, "
            "metadata, text, n_chunks, origin FROM articles ORDER BY article_id"
        ).fetchall()
        chunks = db.execute("SELECT * FROM chunks ORDER BY chunk_id").fetchall()
    stored = make_client(store.path, store.settings).get_collection(store.settings.collection)
    got = stored.get(include=["embeddings"])
    return articles, chunks, {i: [float(x) for x in v] for i, v in zip(got["ids"], got["embeddings"], strict=True)}


def same_report(a: IngestReport, b: IngestReport) -> bool:
    return a.model_dump(exclude={"seconds"}) == b.model_dump(exclude={"seconds"})


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One local cluster of two CPUs for the module; its files under a temp dir, never under HOME."""
    home = Path(os.environ["HOME"])
    before = sorted(home.rglob("*")) if home.exists() else None
    with ray_session(num_cpus=2, temp_dir=tmp_path_factory.mktemp("ray")):
        yield
    assert (sorted(home.rglob("*")) if home.exists() else None) == before, "Ray wrote to HOME"


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory, cluster: None) -> dict:
    """The same inputs ingested on Ray and in one process, then again on Ray."""
    root = tmp_path_factory.mktemp("both")
    paths = write_inputs(root / "inputs")
    on_ray = ArchiveStore(root / "ray", HASH, create=True)
    local = ArchiveStore(root / "local", HASH, create=True)
    # Small groups and windows, so streaming, ordering and backpressure are exercised by a few dozen records. The
    # workers hold both CPUs of the cluster: they are stopped before the next test asks for its own.
    with RayStages(HASH, workers=2, group=4, files_in_flight=2, batches_in_flight=3) as stages:
        ray_report = ingest(paths, on_ray, HashEmbedder(), stages=stages)
        again = ingest(paths, on_ray, HashEmbedder(), stages=stages)
    local_report = ingest(paths, local, HashEmbedder())
    local_again = ingest(paths, local, HashEmbedder())
    return {"paths": paths, "ray": on_ray, "ray_report": ray_report, "local": local, "local_report": local_report,
            "again": again, "local_again": local_again}


def test_ray_stores_exactly_what_one_process_stores(both):
    on_ray, local = both["ray"], both["local"]
    ray_articles, ray_chunks, ray_vectors = contents(on_ray)
    local_articles, local_chunks, local_vectors = contents(local)
    assert ray_articles == local_articles and len(ray_articles) > 40
    assert ray_chunks == local_chunks
    assert ray_vectors == local_vectors
    assert on_ray.stats().model_dump(exclude={"path"}) == local.stats().model_dump(exclude={"path"})
    assert on_ray.article("big-3").text.startswith("Big story 3, corrected"), "the later version wins, in order"


def test_ray_reports_what_one_process_reports(both):
    ray_report, local_report = both["ray_report"], both["local_report"]
    assert same_report(ray_report, local_report), (ray_report, local_report)
    assert ray_report.added and ray_report.updated == 1 and ray_report.duplicates >= 2
    assert [(Path(f.path).name, f.line) for f in ray_report.failed] == [
        ("d_bad.jsonl", 1), ("d_bad.jsonl", 2), ("f_damaged.jsonl.gz", 1), ("missing.json", None)
    ]


def test_reingest_on_ray_adds_nothing(both):
    again = both["again"]
    assert again.added == 0 and again.unchanged > 40
    # The inputs hold two versions of big-3, so a second run writes both again, the later last, as in one process.
    assert again.updated == 2 and same_report(again, both["local_again"])
    assert contents(both["ray"]) == contents(both["local"])
    assert both["ray"].article("big-3").text.startswith("Big story 3, corrected")


def test_a_batch_that_fails_on_a_worker_names_its_article(tmp_path: Path, cluster: None):
    class Fragile(HashEmbedder):
        """Fails on one article's text, on the workers and in the driver alike (it is shipped to the workers)."""

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            if any("poison" in text for text in texts):
                raise TimeoutError("regular-expression match exceeded its 5.0s time limit")
            return super().embed_documents(texts)

    path = tmp_path / "news.jsonl"
    records = [{"id": f"ok{i}", "text": f"Valid article number {i} about the harbor."} for i in range(6)]
    records[2] = {"id": "bad", "text": "A poison pill for the embedder."}
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    on_ray = ArchiveStore(tmp_path / "ray", HASH, create=True)
    with RayStages(HASH, embedder=Fragile(), workers=1) as stages:
        # The worker's exception itself comes back, not Ray's wrapper of it.
        poisoned = next(stages.prepare([[Article(article_id="bad", text="A poison pill.")]]))
        assert isinstance(poisoned, TimeoutError) and "time limit" in str(poisoned)
        report = ingest([path], on_ray, Fragile(), stages=stages)
    assert [(f.line, f.reason.split(" (")[0]) for f in report.failed] == [
        (3, "could not cut the article into passages")
    ]
    assert "TimeoutError" in report.failed[0].reason
    assert report.added == 5 and on_ray.article("bad") is None and on_ray.article("ok5") is not None
    local = ingest([path], ArchiveStore(tmp_path / "local", HASH, create=True), Fragile())
    assert same_report(report, local)


@pytest.mark.slow
def test_ray_with_the_bundled_minilm_matches_one_process(tmp_path: Path, cluster: None):
    settings = IndexSettings(upsert_batch_size=4)
    paths = [FIXTURES / "articles.jsonl"]
    on_ray = ArchiveStore(tmp_path / "ray", settings, create=True)
    local = ArchiveStore(tmp_path / "local", settings, create=True)
    with RayStages(settings, workers=2) as stages:
        ray_report = ingest(paths, on_ray, MiniLMEmbedder(), stages=stages)
    local_report = ingest(paths, local, MiniLMEmbedder())
    assert same_report(ray_report, local_report) and ray_report.embedded > 0
    ray_articles, ray_chunks, ray_vectors = contents(on_ray)
    local_articles, local_chunks, local_vectors = contents(local)
    assert (ray_articles, ray_chunks) == (local_articles, local_chunks)
    assert ray_vectors.keys() == local_vectors.keys()
    # One torch thread per worker against the driver's two: sums may round differently in the last bits.
    for chunk_id, vector in ray_vectors.items():
        assert len(vector) == 384
        assert max(abs(a - b) for a, b in zip(vector, local_vectors[chunk_id], strict=True)) < 1e-5, chunk_id


def test_cli_ingest_with_ray(tmp_path: Path, both, monkeypatch: pytest.MonkeyPatch):
    paths, local_report = both["paths"], both["local_report"]
    monkeypatch.setenv("NEWSDESK_INDEX__EMBEDDING_MODEL", "hash")
    monkeypatch.setenv("NEWSDESK_INDEX__UPSERT_BATCH_SIZE", "5")
    archive = tmp_path / "cli"
    # --ray alone, written after the paths: this process's cluster (started by the fixture) is used.
    result = CliRunner().invoke(cli, ["ingest", *map(str, paths), "--archive", str(archive), "--json", "--ray"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert {k: v for k, v in shown.items() if k != "seconds"} == local_report.model_dump(
        mode="json", exclude={"seconds"}
    )


def test_cli_ingest_joins_a_cluster_started_apart_by_its_address(tmp_path: Path, both):
    """``--ray HOST:PORT``: a cluster that ``ray start --head`` runs in processes of its own, as on another machine,
    with the token a deployment would share; the ingest is a process of its own too."""
    port = free_port()
    token = {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32), "RAY_USAGE_STATS_ENABLED": "0"}
    temp = Path(tempfile.mkdtemp(prefix="rayhead-", dir="/tmp"))  # short: Ray's Unix sockets live there
    head = subprocess.Popen(
        [str(Path(sys.executable).parent / "ray"), "start", "--head", "--port", str(port), "--num-cpus", "2",
         "--include-dashboard", "false", "--temp-dir", str(temp), "--disable-usage-stats", "--block"],
        env={**os.environ, **token}, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port, head)
        env = {**os.environ, **token, "NEWSDESK_INDEX__EMBEDDING_MODEL": "hash",
               "NEWSDESK_INDEX__UPSERT_BATCH_SIZE": "5"}
        archive = tmp_path / "joined"
        result = subprocess.run(
            [sys.executable, "-m", "ui.cli", "ingest", *map(str, both["paths"]), "--archive", str(archive), "--json",
             "--ray", f"127.0.0.1:{port}"],
            env=env, cwd=PROJECT, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr[-2000:]
        shown = json.loads(result.stdout)
        assert {k: v for k, v in shown.items() if k != "seconds"} == both["local_report"].model_dump(
            mode="json", exclude={"seconds"})
        joined = ArchiveStore(archive, HASH)
        assert sorted((c.chunk_id, c.text) for c in joined.iter_chunks()) == sorted(
            (c.chunk_id, c.text) for c in both["local"].iter_chunks())
    finally:
        os.killpg(head.pid, signal.SIGTERM)
        head.wait(timeout=60)
        shutil.rmtree(temp, ignore_errors=True)


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "ray start --head exited"
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise AssertionError(f"no Ray head on port {port} after {seconds:.0f} s")


def test_cli_refuses_a_path_taken_for_the_ray_address(tmp_path: Path):
    result = CliRunner().invoke(cli, ["ingest", "--ray", str(FIXTURES), "--archive", str(tmp_path / "a")])
    assert result.exit_code == 2
    assert "is not a Ray address" in result.output and "write --ray after the paths" in result.output
    assert not (tmp_path / "a").exists()


def test_too_many_workers_for_the_cluster_is_an_error_not_a_hang(cluster: None):
    with pytest.raises(ClusterError, match="of 3 Ray workers did not start within 5s"):
        RayStages(HASH, workers=3, start_timeout=5).__enter__()


def test_without_ray_installed_the_error_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` finds when the extra is not installed
    with pytest.raises(ClusterError, match="pip install 'newsdesk\\[ray\\]'") as raised:
        RayStages(HASH).__enter__()
    assert str(raised.value) == INSTALL_HINT


def test_ray_ingest_onto_servers_holds_what_a_folder_ingest_holds(cluster, postgres_url, chroma_port, tmp_path):
    """Distributed ingest writing to the shared servers (PostgreSQL, a chroma server), as a deployment would."""
    served_settings = HASH.model_copy(update={"database_url": postgres_url, "chroma_host": "127.0.0.1",
                                              "chroma_port": chroma_port, "collection": "ray-servers"})
    paths = write_inputs(tmp_path / "inputs")
    served = ArchiveStore(tmp_path / "served", served_settings, create=True)
    local = ArchiveStore(tmp_path / "local", HASH, create=True)
    with RayStages(served_settings, workers=2) as stages:
        report = ingest(paths, served, HashEmbedder(), stages=stages)
    assert same_report(report, ingest(paths, local, HashEmbedder()))
    assert sorted((c.chunk_id, c.text) for c in served.iter_chunks()) == sorted(
        (c.chunk_id, c.text) for c in local.iter_chunks())
    ids = [c.chunk_id for c in local.iter_chunks()]
    rounded = [{cid: [round(x, 5) for x in v] for cid, v in store.vectors_of(ids).items()} for store in (served, local)]
    assert rounded[0] == rounded[1] != {}
