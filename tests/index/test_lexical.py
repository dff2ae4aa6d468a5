"""The tantivy BM25 index: ranking, filters, replacement, rebuilds, and the upgrade of FTS5-era archives."""

import json
import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from index import ArchiveStore, HashEmbedder, IndexSettings, ingest
from index.archive.lexical import LexicalIndex
from index.archive.recorded import FORMAT_VERSION
from index.chunking import Chunk
from index.errors import NewsDeskError
from index.filters import ChunkFilter
from index.reference import ArticleRef

JUNE = int(datetime(2024, 6, 1, tzinfo=UTC).timestamp())
JANUARY = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp())


def chunk(article_id: str, n: int, text: str, *, title: str = "", ts: int | None = JUNE, source: str = "Wire") -> Chunk:
    ref = ArticleRef.from_ts(article_id, title, source, None, ts)
    return Chunk(chunk_id=f"{article_id}:{n}", article=ref, n=n, text=text, start=0, end=len(text))


@pytest.fixture
def lexical(tmp_path: Path) -> LexicalIndex:
    index = LexicalIndex(tmp_path / "lexical")
    index.replace(
        ["harbor", "budget", "undated", "wire"],
        [
            chunk("harbor", 0, "The council approved dredging the harbor channel.", title="Harbor vote", ts=JANUARY),
            chunk("harbor", 1, "Dredged silt will be moved to the marsh.", title="Harbor vote", ts=JANUARY),
            chunk("budget", 0, "The council debated the budget for the new year.", title="Budget talks"),
            chunk("undated", 0, "A harbor festival is held every summer.", title="Festival", ts=None),
            chunk("wire", 0, "Harbor dredging resumes after the storm.", title="Storm", source="Reuters"),
        ],
    )
    return index


def ids(hits: list[tuple[str, float]]) -> list[str]:
    return [cid for cid, _ in hits]


def test_bm25_puts_the_rare_stemmed_words_first_and_scores_descend(lexical):
    hits = lexical.search(["dredged", "council"], 5)
    assert ids(hits)[0] in {"harbor:0", "harbor:1"}, "'dredged' matches 'dredging' by stem and is rarer than 'council'"
    assert "undated:0" not in ids(hits), "a chunk with none of the words is not a hit"
    assert [score for _, score in hits] == sorted((score for _, score in hits), reverse=True)


def test_as_of_drops_later_chunks_and_keeps_undated_ones(lexical):
    hits = ids(lexical.search(["harbor"], 10, ChunkFilter(as_of_ts=JANUARY + 86400)))
    assert set(hits) == {"harbor:0", "harbor:1", "undated:0"}


def test_date_range_leaves_undated_chunks_out(lexical):
    assert set(ids(lexical.search(["harbor"], 10, ChunkFilter(since_ts=JANUARY + 1)))) == {"wire:0"}
    assert set(ids(lexical.search(["harbor"], 10, ChunkFilter(until_ts=JANUARY)))) == {"harbor:0", "harbor:1"}


def test_source_and_article_filters(lexical):
    assert ids(lexical.search(["harbor"], 10, ChunkFilter(sources=("Reuters",)))) == ["wire:0"]
    assert set(ids(lexical.search(["harbor", "council"], 10, ChunkFilter(article_ids={"budget", "undated"})))) == {
        "budget:0",
        "undated:0",
    }
    assert lexical.search(["harbor"], 10, ChunkFilter(article_ids=set())) == [], "an empty allow-list matches nothing"


def test_excluded_articles_are_left_out_of_bm25(lexical):
    everything = set(ids(lexical.search(["harbor", "council"], 10)))
    assert "budget:0" in everything
    kept = set(ids(lexical.search(["harbor", "council"], 10, ChunkFilter(exclude=frozenset({"budget"})))))
    assert kept == everything - {"budget:0"}
    assert lexical.search(["harbor"], 10, ChunkFilter(article_ids={"budget"}, exclude=frozenset({"budget"}))) == []


def test_titles_only_matches_headlines_and_returns_first_chunks(lexical):
    assert ids(lexical.search(["harbor"], 10, titles_only=True)) == ["harbor:0"]
    assert lexical.search(["festival", "summer"], 10, titles_only=True)[0][0] == "undated:0"
    assert lexical.search(["summer"], 10, titles_only=True) == [], "'summer' is only in the body"


def test_replace_drops_the_old_chunks_of_an_article(lexical):
    lexical.replace(["harbor"], [chunk("harbor", 0, "Corrected: the vote is postponed.", ts=JANUARY)])
    assert lexical.count() == 4
    assert ids(lexical.search(["silt", "marsh"], 10)) == [], "the old second chunk is gone"
    assert ids(lexical.search(["postponed"], 10)) == ["harbor:0"]


def test_build_replaces_an_index_only_when_complete(lexical, tmp_path):
    rebuilt = LexicalIndex.build(lexical.path, [chunk("only", 0, "Zeppelin over the harbor.")])
    assert rebuilt.count() == 1 and ids(rebuilt.search(["zeppelin"], 3)) == ["only:0"]
    assert not (tmp_path / "lexical.partial").exists()


# -- through the archive store ------------------------------------------------------------------


@pytest.fixture
def archive(tmp_path: Path, fixture_articles: Path) -> Path:
    path = tmp_path / "arch"
    store = ArchiveStore(path, IndexSettings(embedding_model="hash"), create=True)
    ingest([fixture_articles], store, HashEmbedder())
    store.close()
    return path


def _downgrade_to_format_1(path: Path) -> int:
    # The layout newsdesk wrote before tantivy: chunks (and their text) only in an FTS5 table.
    db = sqlite3.connect(path / "manifest.sqlite3")
    with db:
        db.execute(
            "CREATE VIRTUAL TABLE chunks_fts USING fts5(title, text, chunk_id UNINDEXED, article_id UNINDEXED, "
            'n UNINDEXED, start UNINDEXED, "end" UNINDEXED, source UNINDEXED, url UNINDEXED, '
            "published_ts UNINDEXED, tokenize = 'porter unicode61')"
        )
        db.execute(
            "INSERT INTO chunks_fts SELECT COALESCE(title, ''), text, chunk_id, article_id, n, start, \"end\", "
            "COALESCE(source, ''), COALESCE(url, ''), published_ts FROM chunks"
        )
        count = db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        db.execute("DROP TABLE chunks")
    db.close()
    for item in (path / "lexical").iterdir():
        item.unlink()
    (path / "lexical").rmdir()
    meta = json.loads((path / "archive.json").read_text())
    (path / "archive.json").write_text(json.dumps({**meta, "format": 1}))
    return int(count)


def test_fts5_archive_is_upgraded_on_open_without_re_embedding(archive, caplog):
    count = _downgrade_to_format_1(archive)
    with caplog.at_level(logging.WARNING, logger="index.archive"):
        store = ArchiveStore(archive, IndexSettings(embedding_model="hash"))
    assert "upgrading archive" in caplog.text
    assert store.chunk_count() == count and store._lexical.count() == count
    assert json.loads((archive / "archive.json").read_text())["format"] == FORMAT_VERSION
    tables = {row[0] for row in store._manifest.connection.execute("SELECT name FROM sqlite_master")}
    assert "chunks_fts" not in tables
    hits = store.lexical_query("Northwind jets order", 3)
    assert hits and hits[0][0].text and hits[0][0].article.title, "text and titles survive the upgrade"
    assert all(c.article.source != "" and c.article.url != "" for c in store.iter_chunks()), (
        "FTS5's '' placeholders become None"
    )


def test_lexical_index_out_of_step_is_rebuilt_and_stray_hits_are_dropped(archive, caplog):
    store = ArchiveStore(archive, IndexSettings(embedding_model="hash"))
    count = store.chunk_count()
    # As if a write stopped after the lexical commit and before the manifest's.
    store._lexical.replace(["ghost"], [chunk("ghost", 0, "Northwind jets ghost story.")])
    assert "ghost" not in {c.article_id for c, _ in store.lexical_query("northwind jets ghost", 10)}
    store.close()
    with caplog.at_level(logging.WARNING, logger="index.archive"):
        reopened = ArchiveStore(archive, IndexSettings(embedding_model="hash"))
    assert "out of step" in caplog.text
    assert reopened._lexical.count() == count


def test_a_writer_waits_for_another_then_says_what_to_do(lexical, monkeypatch):
    import tantivy

    import index.archive.lexical

    other = tantivy.Index.open(str(lexical.path)).writer(15_000_000, 1)  # as another process's ingest would
    monkeypatch.setattr(index.archive.lexical, "LOCK_WAIT_SECONDS", 0.2)
    with pytest.raises(NewsDeskError, match="wait for the other ingest into this archive to finish"):
        lexical.replace(["late"], [chunk("late", 0, "Late arrival.")])
    other.wait_merging_threads()  # releases the lock
    lexical.replace(["late"], [chunk("late", 0, "Late arrival.")])
    assert ids(lexical.search(["arrival"], 3)) == ["late:0"]
