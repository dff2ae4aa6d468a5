"""An archive on servers: the articles and lexical index in a real PostgreSQL (started for this module on a free
localhost port), the vectors in a real chroma server. It holds exactly what an archive in a folder holds, answers
the same searches, is written by one process while others search and ask, lets one writer at a time change it from
any machine, and cannot be opened by mistake without its database. The hash embedder keeps it fast."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from index.archive.check import check_archive
from index.archive.lock import ArchiveLock
from index.archive.pg_manifest import AdvisoryLock
from index.filters import ChunkFilter
from qa import ArchiveBusyError, ArchiveSettingsError, Desk, SearchFilters, Settings

FIXTURES = Path(__file__).parents[1] / "fixtures"
ARTICLES = FIXTURES / "articles.jsonl"
QUERIES = ["Harbor rent cap", "Northwind jets order", "council vote", "drought wheat harvest", "museum statue"]
PROJECT = Path(__file__).parents[2]


def on_servers(database_url: str, collection: str, chroma_port: int | None = None) -> Settings:
    servers = {"database_url": database_url}
    if chroma_port is not None:
        servers["chroma_url"] = f"http://127.0.0.1:{chroma_port}"
    return Settings(index={"embedding_model": "hash", "collection": collection}, llm={"backend": "fake"}, **servers)


def in_folder() -> Settings:
    return Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"})


def server_env(database_url: str, collection: str, chroma_port: int) -> dict[str, str]:
    return {**os.environ, "NEWSDESK_INDEX__EMBEDDING_MODEL": "hash", "NEWSDESK_LLM__BACKEND": "fake",
            "NEWSDESK_DATABASE_URL": database_url, "NEWSDESK_CHROMA_URL": f"http://127.0.0.1:{chroma_port}",
            "NEWSDESK_INDEX__COLLECTION": collection}


def held(desk: Desk) -> list[tuple[str, str, str]]:
    """Every chunk the manifest holds: (article id, chunk id, text)."""
    return sorted((c.article_id, c.chunk_id, c.text) for c in desk.store.iter_chunks())


def fixture_hits(hits: list) -> list[str]:
    """The chunk ids of the hits from the fixture's stories, not the invented filler (ids ``m-N``)."""
    return [h.chunk_id for h in hits if not h.article_id.startswith("m-")]


def write_articles(path: Path, prefix: str, count: int) -> Path:
    # Words of their own, so that the fixture's questions find the fixture's stories whatever else is stored.
    words = ["orchard", "lantern", "copper", "meadow", "violin", "glacier", "pepper", "saddle", "quarry", "tunnel"]
    with path.open("w") as out:
        for i in range(count):
            body = " ".join(words[(i + j) % len(words)] for j in range(40))
            out.write(json.dumps({"article_id": f"{prefix}-{i}", "title": f"{prefix} story {i} {words[i % 10]}",
                                  "text": f"{body}. Item {prefix} {i}.", "published_at": f"2024-0{1 + i % 9}-10"}))
            out.write("\n")
    return path


def test_an_archive_in_postgres_holds_and_finds_what_a_folder_archive_does(postgres_url, tmp_path):
    pg = Desk.open(tmp_path / "pg", on_servers(postgres_url, "same"), create=True)
    folder = Desk.open(tmp_path / "folder", in_folder(), create=True)
    assert pg.ingest([ARTICLES]).model_dump(exclude={"seconds"}) == folder.ingest([ARTICLES]).model_dump(
        exclude={"seconds"})
    assert not (tmp_path / "pg" / "manifest.sqlite3").exists() and not (tmp_path / "pg" / "lexical").exists()
    assert held(pg) == held(folder) and pg.store.stats().articles == folder.store.stats().articles > 0
    assert pg.store.stats().model_dump(exclude={"path"}) == folder.store.stats().model_dump(exclude={"path"})
    assert pg.store.articles_per_month() == folder.store.articles_per_month()
    for query in QUERIES:
        # BM25 by PostgreSQL's stemmer and by tantivy's: the same best passage for each of these questions.
        assert pg.store.lexical_query(query, 1)[0][0].chunk_id == folder.store.lexical_query(query, 1)[0][0].chunk_id
        assert pg.search(query, k=3)[0].chunk_id == folder.search(query, k=3)[0].chunk_id, query
    assert pg.ask("What did the Harbor city council decide on rents?").citations
    # Re-ingesting adds nothing.
    assert pg.ingest([ARTICLES]).unchanged == folder.store.article_count()


def test_filters_keep_the_same_passages_in_postgres(postgres_url, tmp_path):
    pg = Desk.open(tmp_path / "pg", on_servers(postgres_url, "filters"), create=True)
    folder = Desk.open(tmp_path / "folder", in_folder(), create=True)
    pg.ingest([ARTICLES])
    folder.ingest([ARTICLES])
    chunks = [c for c in folder.store.iter_chunks() if c.article.published_ts]
    middle = sorted(c.article.published_ts for c in chunks)[len(chunks) // 2]
    some_source = chunks[0].article.source
    wheres = [
        ChunkFilter(as_of_ts=middle),
        ChunkFilter(since_ts=middle),
        ChunkFilter(until_ts=middle, sources=(some_source,)),
        ChunkFilter(exclude=frozenset({chunks[0].article_id})),
        ChunkFilter(article_ids=frozenset({chunks[0].article_id, chunks[-1].article_id})),
    ]
    everything = "harbor council rent jets drought wheat museum statue vote football final"
    for where in wheres:
        for titles_only in (False, True):
            found = {c.chunk_id for c, _ in pg.store.lexical_query(everything, 100, where, titles_only=titles_only)}
            expected = {c.chunk_id for c, _ in folder.store.lexical_query(everything, 100, where,
                                                                          titles_only=titles_only)}
            assert found == expected, (where, titles_only)
        # Dense search under the filter, compared one by one among the chunks the database's manifest lets through.
        vector = folder.embedder.embed_query(everything)
        assert {h.chunk.chunk_id for h in pg.store.query(vector, 100, where)} == {
            h.chunk.chunk_id for h in folder.store.query(vector, 100, where)} != set(), where
    source_filter = SearchFilters(sources=[some_source])
    assert {h.article_id for h in pg.search("council", k=10, filters=source_filter)} == {
        h.article_id for h in folder.search("council", k=10, filters=source_filter)}


def test_deletes_and_field_filters_in_postgres(postgres_url, tmp_path):
    pg = Desk.open(tmp_path / "pg", on_servers(postgres_url, "deletes"), create=True)
    folder = Desk.open(tmp_path / "folder", in_folder(), create=True)
    extra = write_articles(tmp_path / "extra.jsonl", "x", 6)
    pg.ingest([ARTICLES, extra])
    folder.ingest([ARTICLES, extra])
    source = next(iter(folder.store.sources()))
    assert pg.store.articles_from(source) == folder.store.articles_from(source)
    assert pg.store.articles_with({"url": folder.store.article("fx-1").url}) == ["fx-1"]
    assert pg.store.delete(["fx-1", "x-2", "nope"]) == folder.store.delete(["fx-1", "x-2", "nope"]) == 2
    assert held(pg) == held(folder)
    assert "fx-1" not in {c.article_id for c, _ in pg.store.lexical_query("Harbor city council rents", 20)}
    assert pg.store.article("fx-1") is None and pg.store.vector_count() == folder.store.vector_count()


def test_one_writer_at_a_time_from_any_machine(postgres_url, tmp_path):
    # Two folders stand for two machines: only the database and the collection are shared.
    first = Desk.open(tmp_path / "machine-a", on_servers(postgres_url, "shared-lock"), create=True)
    second = Desk.open(tmp_path / "machine-b", on_servers(postgres_url, "shared-lock"), create=True)
    first.ingest([ARTICLES])
    assert held(second) == held(first)
    other_machine = ArchiveLock(tmp_path / "machine-b", AdvisoryLock(postgres_url, "shared-lock"))
    with first.store.writing():
        assert not other_machine.acquire(0.3), "the second machine's writer waits while the first writes"
        with pytest.raises(ArchiveBusyError):
            with second.store._lock.hold(wait=0.3):  # noqa: SLF001 - the lock an ingest or delete takes
                pass
    assert other_machine.acquire(5.0)
    other_machine.release()
    # A writer on another machine whose connection dies gives the lock back (the server drops it).
    lock = AdvisoryLock(postgres_url, "shared-lock")
    assert lock.acquire(time.monotonic() + 5)
    lock._db.close()  # noqa: SLF001 - a crashed writer's connection
    assert other_machine.acquire(10.0)
    other_machine.release()


def test_without_its_database_the_archive_is_refused_in_one_line(postgres_url, tmp_path):
    from ui.cli import cli

    Desk.open(tmp_path / "pg", on_servers(postgres_url, "refused"), create=True).ingest([ARTICLES])
    with pytest.raises(ArchiveSettingsError, match="NEWSDESK_DATABASE_URL"):
        Desk.open(tmp_path / "pg", in_folder())
    result = CliRunner().invoke(cli, ["stats", "--archive", str(tmp_path / "pg")], env={
        "NEWSDESK_INDEX__EMBEDDING_MODEL": "hash", "NEWSDESK_INDEX__COLLECTION": "refused"})
    assert result.exit_code != 0 and "NEWSDESK_DATABASE_URL" in result.output
    assert len(result.output.strip().splitlines()) == 1
    with pytest.raises(ArchiveSettingsError, match="PostgreSQL, where one transaction writes both"):
        check_archive(tmp_path / "pg")
    unreachable = "postgresql://postgres@127.0.0.1:9/newsdesk"
    with pytest.raises(ArchiveSettingsError, match="cannot reach the PostgreSQL server"):
        Desk.open(tmp_path / "pg", on_servers(unreachable, "refused"))


def test_processes_ingest_search_and_ask_one_archive_on_both_servers_at_once(postgres_url, chroma_port, tmp_path):
    """The scale test: one process ingests into the archive on chroma + PostgreSQL while another, from its own
    folder (another machine, as far as the archive can tell), searches it and sees each batch arrive whole; then
    a third asks it through the CLI, and it equals an archive in a folder of the same files."""
    env = server_env(postgres_url, "shared-all", chroma_port)
    files = [ARTICLES, write_articles(tmp_path / "more.jsonl", "m", 800)]
    servers = on_servers(postgres_url, "shared-all", chroma_port)
    Desk.open(tmp_path / "writer", servers, create=True).ingest([ARTICLES])
    reader = Desk.open(tmp_path / "reader", servers, create=True)
    harbor_stories = {json.loads(line)["article_id"] for line in ARTICLES.read_text().splitlines()
                      if "harbor" in line.lower()}
    ingest = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "ingest", *map(str, files), "--archive", str(tmp_path / "writer")],
        env=env, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen_counts: list[int] = []
    while ingest.poll() is None:
        # Whatever the ingest has committed so far, the first hit is one of the harbor stories held from the start,
        # and no article is recorded without its chunks.
        assert reader.search(QUERIES[0], k=3)[0].article_id in harbor_stories
        ids = reader.store.article_ids()
        chunks = reader.store.chunks_of(ids)
        assert all(chunks.get(aid) for aid in ids)
        seen_counts.append(len(ids))
    _, err = ingest.communicate(timeout=600)
    assert ingest.returncode == 0, err[-1000:]
    assert any(8 < count < 808 for count in seen_counts), f"no search saw the ingest half done: {seen_counts[-5:]}"
    asked = subprocess.run(
        [sys.executable, "-m", "ui.cli", "ask", "What did the Harbor city council decide on rents?", "--archive",
         str(tmp_path / "reader"), "--json"], env=env, cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert asked.returncode == 0, asked.stderr[-1000:]
    assert json.loads(asked.stdout)["citations"]
    folder = Desk.open(tmp_path / "folder", in_folder(), create=True)
    folder.ingest(files)
    assert held(reader) == held(folder)
    assert reader.store.vector_count() == folder.store.vector_count()
    # The fixture's stories rank alike; the filler below them is a near-tie in the vectors alone, which each
    # chroma's approximate HNSW graph (built in another order on each side) may break either way.
    on_servers_hits, in_folder_hits = reader.search(QUERIES[1], k=5), folder.search(QUERIES[1], k=5)
    assert len(on_servers_hits) == len(in_folder_hits) == 5
    assert fixture_hits(on_servers_hits) == fixture_hits(in_folder_hits) != []


def test_bm25_scores_the_passages_with_a_rare_word_first_and_everything_when_asked(postgres_url, tmp_path,
                                                                                   monkeypatch):
    from index.archive import pg_lexical

    # A first pass of at most 5 passages: the rare word's one, not the committee's 31.
    monkeypatch.setattr(pg_lexical, "CANDIDATES", 5)
    rows = [{"article_id": f"c-{i}", "title": f"Report {i}", "text": f"The committee met again, report number {i}.",
             "published_at": "2024-03-01"} for i in range(30)]
    rows += [{"article_id": "rare-1", "title": "Zeppelin report", "text": "The zeppelin committee met.",
              "published_at": "2024-03-01"}]
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    pg = Desk.open(tmp_path / "pg", on_servers(postgres_url, "pruning"), create=True)
    pg.ingest([tmp_path / "a.jsonl"])
    lexical = pg.store._lexical  # noqa: SLF001 - the index under test
    pruned = lexical.search(["zeppelin", "committee"], 10)
    assert [chunk_id for chunk_id, _ in pruned] == ["rare-1:0"], "only the passage with the rare word is scored"
    lexical.approximate = False
    exact = lexical.search(["zeppelin", "committee"], 10)
    assert exact[0] == pruned[0] and len(exact) == 10, "without pruning, the common word's passages follow"
    assert all(score < exact[0][1] for _, score in exact[1:])
