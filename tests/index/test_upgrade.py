"""An archive built before bylines and page furniture were removed (format 2) is cleaned in place when opened: through
the real ingest pipeline and archive parts (hash embedder), as its owner would meet it."""

import json
import logging
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from index import ArchiveStore, HashEmbedder, IndexSettings, ingest
from index.archive import upgrade
from index.archive.recorded import FORMAT_VERSION
from index.filters import ChunkFilter

SETTINGS = IndexSettings(embedding_model="hash", upsert_batch_size=1, chunk_size=60, chunk_overlap=10)
LEDE = ("Gustavo Petro won Colombia's presidential runoff on Sunday, the first leftist to lead the country after "
        "decades of conflict.")
RECORDS = [
    {"id": "colombia", "url": "https://www.usatoday.com/story/news/world/2022/06/20/colombia-election/1/",
     "publish_date": "2022/06/20",
     "text": "Regina Garcia Cano and Astrid Suarez\n\nAssociated Press\n\nBOGOTA, Colombia — " + LEDE + "\n\n"
             + " ".join(f"Petro promised change in speech number {i}." for i in range(30))
             + "\n\nGarcia Cano reported from Caracas, Venezuela."},
    {"id": "clean", "title": "Harbor caps rents", "publish_date": "2022/06/21",
     "text": "The Harbor city council voted 7-2 on Tuesday to cap annual rent increases at 4 percent."},
    {"id": "stub", "url": "https://www.cnn.com/2022/06/20/americas/colombia-election-petro-wins/index.html"},
    {"id": "weekday", "title": "What next for Boris Johnson?", "publish_date": "2022/07/07",
     "text": "Would you like to receive The WeekDay newsletter ?\n\nSign up here."},
]


@pytest.fixture
def records(tmp_path: Path) -> Path:
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    return path


def build_format_2_archive(path: Path, records: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What newsdesk stored before index.cleaning: the text with its furniture, in a format-2 archive."""
    with monkeypatch.context() as old_code:
        old_code.setattr("index.articles.as_stored", lambda article: article)
        store = ArchiveStore(path, SETTINGS, create=True)
        ingest([records], store, HashEmbedder())
        store.close()
    db = sqlite3.connect(path / "manifest.sqlite3")
    with db:
        db.execute("ALTER TABLE articles DROP COLUMN cleaned_with")
    db.close()
    meta = json.loads((path / "archive.json").read_text())
    (path / "archive.json").write_text(json.dumps({**meta, "format": 2}))


def snapshot(store: ArchiveStore) -> dict[str, object]:
    articles = {aid: store.article(aid) for aid in ("colombia", "clean", "stub", "weekday")}
    chunks = sorted((c.chunk_id, c.start, c.end, c.text) for c in store.iter_chunks())
    return {"articles": {aid: (a.text, a.authors, a.content_hash) for aid, a in articles.items() if a},
            "chunks": chunks, "vectors": store.vector_count(), "lexical": store._lexical.count()}


def test_an_old_archive_is_cleaned_on_open_with_progress_and_then_matches_a_fresh_ingest(
    tmp_path, records, monkeypatch, caplog
):
    old = tmp_path / "old"
    build_format_2_archive(old, records, monkeypatch)
    monkeypatch.setattr(upgrade, "PROGRESS_SECONDS", 0.0)
    with caplog.at_level(logging.WARNING, logger="index.archive"):
        store = ArchiveStore(old, SETTINGS)
    assert "dating photo galleries by their captions in 4 stored articles" in caplog.text
    assert "1 of 4 articles cleaned" in caplog.text, "a long upgrade shows how far it has got"
    assert "upgraded archive" in caplog.text
    assert json.loads((old / "archive.json").read_text())["format"] == FORMAT_VERSION

    colombia = store.article("colombia")
    assert colombia.text.startswith(LEDE) and "Garcia Cano" not in colombia.text
    assert colombia.authors == ("Regina Garcia Cano", "Astrid Suarez")
    for chunk in store.iter_chunks():
        text = store.article(chunk.article_id).text
        assert text[chunk.start : chunk.end] == chunk.text, "citation offsets point into the cleaned text"
    assert store.lexical_query("Regina Garcia Cano Astrid Suarez", 5) == [], "no byline is left to be found"
    assert store.article("weekday").text == "What next for Boris Johnson?", "all furniture: headline-only"
    (stub,) = store.chunks(["stub:0"]).values()
    assert stub.article.headline_only and not store.chunks(["clean:0"])["clean:0"].article.headline_only

    fresh = ArchiveStore(tmp_path / "fresh", SETTINGS, create=True)
    ingest([records], fresh, HashEmbedder())
    assert snapshot(store) == snapshot(fresh), "the same archive as ingesting the records with today's code"
    again = ingest([records], store, HashEmbedder())
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4), "re-ingesting the records finds them unchanged"
    store.close()
    fresh.close()

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="index.archive"):
        ArchiveStore(old, SETTINGS).close()
    assert "upgrad" not in caplog.text, "a current archive is opened as it is"


def test_an_interrupted_upgrade_resumes_where_it_stopped(tmp_path, records, monkeypatch):
    old = tmp_path / "old"
    build_format_2_archive(old, records, monkeypatch)
    writes = []

    def write_then_fail(self, batch):
        if writes:
            raise KeyboardInterrupt
        writes.append([a.article_id for a, *_ in batch])
        original(self, batch)

    original = ArchiveStore.write
    with monkeypatch.context() as interrupted:
        interrupted.setattr(ArchiveStore, "write", write_then_fail)
        with pytest.raises(KeyboardInterrupt):
            ArchiveStore(old, SETTINGS)
    assert writes == [["colombia"]]
    assert json.loads((old / "archive.json").read_text())["format"] == 2, "not recorded until every article is done"

    store = ArchiveStore(old, SETTINGS)
    assert json.loads((old / "archive.json").read_text())["format"] == FORMAT_VERSION
    fresh = ArchiveStore(tmp_path / "fresh", SETTINGS, create=True)
    ingest([records], fresh, HashEmbedder())
    assert snapshot(store) == snapshot(fresh)
    store.close()
    fresh.close()


LINKED = {"id": "pelosi", "title": "Pelosi lands in Taiwan", "publish_date": "2022/08/02",
          "text": "Nancy Pelosi landed in Taipei on Tuesday night.\n\n"
                  "A history with China:Why Nancy Pelosi is visiting Taiwan despite China's threats\n\n"
                  "China announced military drills around the island on Wednesday."}


def build_format_3_archive(path: Path, records: Path, settings: IndexSettings,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    """What newsdesk stored before links to other stories were removed: cleaning rules 1, in a format-3 archive."""
    build_archive_of_older_rules(path, records, settings, monkeypatch, ("RELATED_LINK", "GALLERY"), 1, 3)


def build_archive_of_older_rules(path: Path, records: Path, settings: IndexSettings, monkeypatch: pytest.MonkeyPatch,
                                 rules_missing: tuple[str, ...], cleaned_with: int, format: int) -> None:
    """An archive ingested by code without ``rules_missing`` (names in index.cleaning), as that code recorded it."""
    with monkeypatch.context() as old_code:
        for rule in rules_missing:
            old_code.setattr(f"index.cleaning.{rule}", re.compile(r"(?!)"))
        store = ArchiveStore(path, settings, create=True)
        ingest([records], store, HashEmbedder())
        store._manifest.mark_cleaned([json.loads(line)["id"] for line in records.open()], cleaned_with)
        store.close()
    meta = json.loads((path / "archive.json").read_text())
    (path / "archive.json").write_text(json.dumps({**meta, "format": format}))


@pytest.mark.parametrize("where", ["folder", "postgres"])
def test_an_archive_of_the_previous_rules_loses_its_links_to_other_stories_on_open(where, tmp_path, monkeypatch,
                                                                                    request):
    records = tmp_path / "linked.jsonl"
    records.write_text(json.dumps(LINKED) + "\n")
    settings = SETTINGS if where == "folder" else SETTINGS.model_copy(
        update={"database_url": request.getfixturevalue("postgres_url"), "collection": "links"})
    build_format_3_archive(tmp_path / "old", records, settings, monkeypatch)
    old = ArchiveStore(tmp_path / "old", settings)
    try:
        assert "A history with China" not in old.article("pelosi").text
        assert old.article("pelosi").text.endswith("China announced military drills around the island on Wednesday.")
        assert old.lexical_query("history", 5) == [], "the link's words are no longer found"
        assert json.loads((tmp_path / "old" / "archive.json").read_text())["format"] == FORMAT_VERSION
    finally:
        old.close()


GALLERY = {"id": "abe", "title": "Shinzo Abe shot", "publish_date": "2022/07/08",
           "text": "Shinzo Abe was shot during a campaign speech in Nara on Friday.\n\n"
                   "Photos: Shinzo Abe Abe speaks moments before being shot. Hide Caption 1 of 2 Photos: Shinzo Abe "
                   "Abe lies on the ground. Hide Caption 2 of 2\n\n"
                   "The suspect, Tetsuya Yamagami, was arrested at the scene."}
VIDEO = {"id": "vineyard", "title": "Migrants flown to Martha's Vineyard", "publish_date": "2022/09/15",
         "text": "Florida Gov. Ron DeSantis sent two planes of migrants to Martha's Vineyard on Wednesday.\n\n"
                 "JUST WATCHED Lawmaker says DeSantis used migrants for his own political benefit Replay More Videos "
                 "... MUST WATCH Lawmaker says DeSantis used migrants for his own political benefit 03:46\n\n"
                 "The migrants were taken to a military base on Friday."}


@pytest.mark.parametrize(("record", "rule", "cleaned_with", "format", "gone"), [
    (GALLERY, "GALLERY", 2, 4, "ground"),  # format 4 kept photo galleries printed in the text
    (VIDEO, "VIDEO", 3, 5, "lawmaker"),  # format 5 kept video players with long titles
])
def test_an_archive_of_an_older_format_loses_what_newer_rules_remove_on_open(tmp_path, monkeypatch, record, rule,
                                                                             cleaned_with, format, gone):
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps(record) + "\n")
    build_archive_of_older_rules(tmp_path / "old", records, SETTINGS, monkeypatch, (rule,), cleaned_with, format)
    old = ArchiveStore(tmp_path / "old", SETTINGS)
    try:
        first, *_, last = record["text"].split("\n\n")
        assert old.article(record["id"]).text == f"{first}\n\n{last}"
        assert old.lexical_query(gone, 5) == [], "the removed words are no longer found"
        assert json.loads((tmp_path / "old" / "archive.json").read_text())["format"] == FORMAT_VERSION
    finally:
        old.close()


WORLD_SERIES = {"id": "ws", "url": "https://www.cnn.com/2022/10/28/sport/gallery/world-series-2022",
                "publish_date": "2022/10/28",
                "text": "The Houston Astros celebrate their World Series win against the Philadelphia Phillies in "
                        "Houston, Texas, on Saturday, November 5."}


def test_an_archive_of_format_6_dates_its_galleries_by_their_captions_on_open(tmp_path, monkeypatch):
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps(WORLD_SERIES) + "\n")
    with monkeypatch.context() as old_code:  # format 6 stored a gallery under the date it was filed under
        old_code.setattr("index.cleaning.dated_by_captions", lambda article: article)
        build_archive_of_older_rules(tmp_path / "old", records, SETTINGS, monkeypatch, (), 4, 6)
    before_the_last_game = int(datetime(2022, 11, 3, 23, 59, tzinfo=UTC).timestamp())
    old = ArchiveStore(tmp_path / "old", SETTINGS)
    try:
        assert old.article("ws").published_at == datetime(2022, 11, 5, tzinfo=UTC)
        asked_early = ChunkFilter(as_of_ts=before_the_last_game)
        assert old.lexical_query("astros world series", 5, asked_early) == []
        assert old.query(HashEmbedder().embed_query("astros world series"), 5, asked_early) == []
        assert [c.article_id for c, _ in old.lexical_query("astros world series", 5)] == ["ws"]
        assert json.loads((tmp_path / "old" / "archive.json").read_text())["format"] == FORMAT_VERSION
    finally:
        old.close()
