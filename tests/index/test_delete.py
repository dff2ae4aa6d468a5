"""Deleting articles from an archive, through the real parts: chromadb (embedded in tmp_path), tantivy, the SQLite
manifest and the MiniLM embedder. Each test ingests tests/fixtures/articles.jsonl into an archive of its own.

After a delete nothing of the article is found, by its words or by its meaning, stats drop, the other articles are
untouched, and re-ingesting the file brings it back. A delete interrupted at any step leaves an archive that
searches as if it had finished, and that the next open (or the same delete again) finishes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.archive.lexical import LexicalIndex
from index.archive.store import ArchiveStore
from qa import Desk, InvalidArgumentError, Settings

FIXTURES = Path(__file__).parents[1] / "fixtures"
ARTICLES = FIXTURES / "articles.jsonl"
# fx-6, "Museum returns bronze statue", put in other words: found by meaning, sharing none of its content words.
PARAPHRASE = "A sculpture was handed back to the nation it was taken from"


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    settings = Settings(llm={"backend": "fake"})
    desk = Desk.open(tmp_path / "archive", settings, create=True)
    report = desk.ingest([ARTICLES])
    assert (report.added, report.duplicates) == (7, 1), "fx-8 is an exact copy of fx-4 and is stored once"
    yield desk
    desk.close()


def found_by_words(store: ArchiveStore, words: str) -> set[str]:
    return {chunk.article_id for chunk, _ in store.lexical_query(words, 50)}


def found_by_meaning(desk: Desk, text: str, k: int = 50) -> list[str]:
    return [s.chunk.article_id for s in desk.store.query(desk.embedder.embed_query(text), k)]


def counts(store: ArchiveStore) -> tuple[int, int, int]:
    return store.article_count(), store.chunk_count(), store.vector_count()


def in_step(store: ArchiveStore) -> bool:
    """The lexical index holds exactly the manifest's chunks (what a reopen would otherwise rebuild)."""
    return store._lexical.count() == store.chunk_count()


def test_a_deleted_article_is_found_neither_by_words_nor_by_meaning(desk):
    store = desk.store
    assert "fx-6" in found_by_words(store, "bronze statue museum")
    assert found_by_meaning(desk, PARAPHRASE)[0] == "fx-6", "the paraphrase finds fx-6 by meaning alone"
    before = {c.chunk_id: c for c in store.iter_chunks()}
    assert [cid for cid, c in before.items() if c.article_id == "fx-6"] == ["fx-6:0"], "one short chunk, embedded"
    articles, chunks, vectors = counts(store)

    assert desk.delete(["fx-6"]) == 1

    assert "fx-6" not in found_by_words(store, "bronze statue museum")
    assert "fx-6" not in found_by_meaning(desk, PARAPHRASE), "no vector of it is left to find, even at k=50"
    assert all(h.article.article_id != "fx-6" for h in desk.search("museum returns bronze statue", k=10))
    assert desk.article("fx-6") is None
    assert counts(store) == (articles - 1, chunks - 1, vectors - 1)
    stats = desk.stats()
    assert (stats.articles, stats.chunks, stats.vectors) == (articles - 1, chunks - 1, vectors - 1)
    assert "Culture Post" not in stats.sources
    assert in_step(store) and store._manifest.deleting() == [], "every step ran, so nothing is left to purge"
    # The others are untouched, and still found both ways.
    assert {c.chunk_id: c for c in store.iter_chunks()} == {k: c for k, c in before.items() if c.article_id != "fx-6"}
    assert desk.search("Harbor rent cap", k=1)[0].article.source == "Harbor Herald"
    assert found_by_meaning(desk, "An airline bought new planes")[0] == "fx-4"


def test_deleting_is_idempotent_and_counts_only_what_the_archive_held(desk):
    assert desk.delete(["fx-6", "fx-6", "no-such-article"]) == 1
    assert desk.delete("fx-6") == 0, "a second delete finds nothing to remove"
    assert desk.delete(["no-such-article"]) == 0
    assert desk.stats().articles == 6
    with pytest.raises(InvalidArgumentError, match="no article id given"):
        desk.delete([" ", ""])


def test_reingesting_the_file_brings_the_article_back(desk):
    store = desk.store
    original = counts(store)
    desk.delete(["fx-6"])
    report = desk.ingest([ARTICLES])
    assert (report.added, report.unchanged, report.duplicates) == (1, 6, 1)
    assert counts(store) == original
    assert found_by_meaning(desk, PARAPHRASE)[0] == "fx-6"
    assert "fx-6" in found_by_words(store, "bronze statue")


def test_deleting_the_stored_copy_frees_its_text_for_a_later_copy(desk, tmp_path):
    # fx-8 repeats fx-4's text: ingest stored fx-4 and only counted fx-8. Once fx-4 is gone, fx-8 is new.
    copy = tmp_path / "copy.jsonl"
    copy.write_text(next(line for line in ARTICLES.read_text().splitlines() if '"fx-8"' in line) + "\n")
    assert desk.ingest([copy]).duplicates == 1
    assert desk.delete(["fx-4"]) == 1
    report = desk.ingest([copy])
    assert (report.added, report.duplicates) == (1, 0)
    assert found_by_meaning(desk, "An airline bought new planes")[0] == "fx-8"


def test_deleting_a_source_removes_all_its_articles_in_any_case(desk):
    store = desk.store
    assert desk.delete_source("harbor herald") == 3
    assert {aid: desk.article(aid) for aid in ("fx-1", "fx-2", "fx-7")} == dict.fromkeys(("fx-1", "fx-2", "fx-7"))
    assert "Harbor Herald" not in desk.stats().sources and desk.stats().articles == 4
    assert not found_by_words(store, "rent cap landlords") & {"fx-1", "fx-2", "fx-7"}
    assert not set(found_by_meaning(desk, "The council capped rents")) & {"fx-1", "fx-2", "fx-7"}
    assert desk.article("fx-3").source == "Valley Sports", "other publishers are untouched"
    assert desk.delete_source("Harbor Herald") == 0 and desk.delete_source("Nobody Times") == 0
    with pytest.raises(InvalidArgumentError, match="no source given"):
        desk.delete_source("  ")


def test_articles_without_a_source_are_deleted_as_unknown(desk, tmp_path):
    anonymous = tmp_path / "anonymous.jsonl"
    anonymous.write_text(json.dumps({"id": "anon", "text": "A lighthouse keeper retired after forty years."}) + "\n")
    desk.ingest([anonymous])
    assert desk.stats().sources["(unknown)"] == 1
    assert desk.delete_source("(Unknown)") == 1 and desk.article("anon") is None
    assert desk.stats().articles == 7


def test_articles_per_month_counts_dated_articles_and_drops_with_a_delete(desk):
    assert desk.articles_per_month() == {"2024-02": 3, "2024-03": 1, "2024-04": 1, "2024-05": 1, "2024-06": 1}
    desk.delete_source("Harbor Herald")
    assert desk.articles_per_month() == {"2024-03": 1, "2024-04": 1, "2024-05": 1, "2024-06": 1}


# -- interrupted deletes -----------------------------------------------------------------------------------------


class Crash(Exception):
    """Stands for the process dying at that point."""


def crash(*_args, **_kwargs):
    raise Crash


def reopen(desk: Desk) -> ArchiveStore:
    desk.store.close()
    return ArchiveStore(desk.path, desk.settings.index)


def test_a_crash_after_the_manifest_commit_searches_as_deleted_and_the_next_open_purges(desk, monkeypatch):
    store = desk.store
    articles, chunks, vectors = counts(store)
    monkeypatch.setattr(store._vectors, "delete_articles", crash)
    with pytest.raises(Crash):
        desk.delete(["fx-6"])
    # Both indexes still hold fx-6, yet nothing finds it: the manifest, which has the last word, no longer does.
    assert store._manifest.deleting() == ["fx-6"] and not in_step(store) and store.vector_count() == vectors
    assert "fx-6" not in found_by_words(store, "bronze statue museum")
    assert "fx-6" not in found_by_meaning(desk, PARAPHRASE)
    assert desk.stats().articles == articles - 1

    monkeypatch.setattr(LexicalIndex, "build", crash)  # the leftovers are purged, not the index rebuilt
    reopened = reopen(desk)
    assert reopened._manifest.deleting() == []
    assert counts(reopened) == (articles - 1, chunks - 1, vectors - 1) and in_step(reopened)
    reopened.close()


def test_repeating_a_delete_that_crashed_between_the_indexes_finishes_it(desk, monkeypatch):
    store = desk.store
    articles, chunks, vectors = counts(store)
    monkeypatch.setattr(store._lexical, "replace", crash)
    with pytest.raises(Crash):
        desk.delete(["fx-6"])
    assert store.vector_count() == vectors - 1 and not in_step(store), "vectors gone, lexical entries left"
    monkeypatch.undo()
    assert desk.delete(["fx-6"]) == 0, "the article itself was already deleted"
    assert counts(store) == (articles - 1, chunks - 1, vectors - 1) and in_step(store)
    assert store._manifest.deleting() == []


def test_a_crash_inside_the_manifest_transaction_deletes_nothing(desk):
    store = desk.store
    before = counts(store)

    class FailingJournal:
        # Lets the article and chunk deletes run, then fails the journal insert: the transaction rolls back.
        def __init__(self, db):
            self._db = db

        def executemany(self, sql, rows):
            if sql.startswith("INSERT INTO deleting"):
                raise Crash
            return self._db.executemany(sql, rows)

        def __getattr__(self, name):
            return getattr(self._db, name)

        def __enter__(self):
            return self._db.__enter__()

        def __exit__(self, *exc):
            return self._db.__exit__(*exc)

    real = store._manifest._db
    store._manifest._db = FailingJournal(real)
    try:
        with pytest.raises(Crash):
            desk.delete(["fx-6"])
    finally:
        store._manifest._db = real
    assert counts(store) == before and desk.article("fx-6") is not None
    assert found_by_meaning(desk, PARAPHRASE)[0] == "fx-6" and in_step(store)


def test_an_article_ingested_again_after_a_crashed_delete_survives_the_next_open(desk, monkeypatch):
    store = desk.store
    original = counts(store)
    monkeypatch.setattr(store._vectors, "delete_articles", crash)
    with pytest.raises(Crash):
        desk.delete(["fx-6"])
    monkeypatch.undo()
    # Another process that still had the archive open ingests the file again before anyone reopens it.
    assert desk.ingest([ARTICLES]).added == 1
    assert store._manifest.deleting() == [], "storing fx-6 took it off the journal in the same transaction"
    reopened = reopen(desk)
    assert counts(reopened) == original and in_step(reopened)
    assert "fx-6" in found_by_words(reopened, "bronze statue")
    reopened.close()
