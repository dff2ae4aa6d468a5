import json
from pathlib import Path

import pytest

from index import ArchiveStore, HashEmbedder, IndexSettings, chunk_article, ingest
from index.articles import Article
from index.errors import ArchiveNotFoundError, NewsDeskError
from index.reference import ArticleRef


@pytest.fixture
def store(tmp_path: Path) -> ArchiveStore:
    return ArchiveStore(tmp_path / "arch", IndexSettings(embedding_model="hash", upsert_batch_size=3), create=True)


def test_ingest_report_counts_and_reingest_adds_nothing(store, fixture_articles, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"foo": 1}\n{"text": "Fine article about tides.", "date": "2024-13-45"}\n')
    first = ingest([fixture_articles, bad], store, HashEmbedder())
    assert (first.added, first.updated, first.unchanged, first.duplicates) == (7, 0, 0, 1)
    assert [(f.line, f.reason.split(" ")[0]) for f in first.failed] == [(1, "no"), (2, "unparseable")]
    chunks_after_first = store.chunk_count()
    assert chunks_after_first == first.chunks == store.stats().chunks

    second = ingest([fixture_articles, bad], store, HashEmbedder())
    assert (second.added, second.updated, second.unchanged, second.duplicates) == (0, 0, 7, 1)
    assert store.chunk_count() == chunks_after_first
    assert store.article_count() == 7


def test_changed_article_replaces_its_chunks(store, tmp_path):
    path = tmp_path / "a.jsonl"
    long_text = " ".join(f"Sentence number {i} about the harbor." for i in range(120))
    path.write_text(json.dumps({"id": "a", "text": long_text}) + "\n")
    ingest([path], store, HashEmbedder())
    before = store.chunk_count()
    assert before > 2
    path.write_text(json.dumps({"id": "a", "text": "Now a short correction."}) + "\n")
    report = ingest([path], store, HashEmbedder())
    assert report.updated == 1
    assert store.chunk_count() == store.vector_count() == 1, "stale chunks of the old version are deleted"
    assert store.article("a").text == "Now a short correction."


def test_same_record_twice_in_one_run_is_one_article(store, tmp_path):
    path = tmp_path / "twice.jsonl"
    line = json.dumps({"id": "x", "text": "Only once."}) + "\n"
    path.write_text(line + line)
    report = ingest([path], store, HashEmbedder())
    assert (report.added, report.duplicates) == (1, 1)


def test_new_version_in_the_same_batch_replaces_the_first(store, tmp_path):
    path = tmp_path / "versions.jsonl"
    long_text = " ".join(f"Sentence number {i} about the harbor." for i in range(120))
    path.write_text(
        json.dumps({"id": "v", "text": long_text}) + "\n" + json.dumps({"id": "v", "text": "Corrected."}) + "\n"
    )
    report = ingest([path], store, HashEmbedder())
    assert (report.added, report.updated) == (1, 1)
    assert store.chunk_count() == store.vector_count() == 1
    assert store.article("v").text == "Corrected."


def test_chunks_keep_offsets_and_article_metadata(fixture_articles, store):
    ingest([fixture_articles], store, HashEmbedder())
    chunks = list(store.iter_chunks())
    assert len({c.chunk_id for c in chunks}) == len(chunks) == store.chunk_count()
    for chunk in chunks:
        article = store.article(chunk.article_id)
        assert article.text[chunk.start : chunk.end] == chunk.text
        assert chunk.article == ArticleRef.of(article), "a chunk names its article, publisher and date"
        assert chunk.article.published_ts == int(article.published_at.timestamp())


def test_chunk_sizes_respect_token_budget():
    from index.chunking import count_tokens

    article = Article(article_id="long", text=" ".join(f"Claim {i} was made by the minister." for i in range(300)))
    chunks = chunk_article(article, chunk_size=60, chunk_overlap=10)
    assert len(chunks) > 10
    assert all(count_tokens(c.text) <= 60 for c in chunks)
    assert [c.chunk_id for c in chunks[:2]] == ["long:0", "long:1"]
    assert chunks[1].start < chunks[0].end, "neighbouring chunks overlap"


def test_stats_report_dates_and_sources(fixture_articles, store):
    ingest([fixture_articles], store, HashEmbedder())
    stats = store.stats()
    assert stats.articles == 7
    assert (stats.earliest.date().isoformat(), stats.latest.date().isoformat()) == ("2024-02-06", "2024-06-12")
    assert stats.sources["Harbor Herald"] == 3


def test_missing_archive_and_settings_mismatch(tmp_path):
    with pytest.raises(ArchiveNotFoundError, match="run `newsdesk ingest FILES"):
        ArchiveStore(tmp_path / "none", IndexSettings(embedding_model="hash"))
    ArchiveStore(tmp_path / "a", IndexSettings(embedding_model="hash"), create=True)
    with pytest.raises(NewsDeskError, match="was built with chunk_size=200"):
        ArchiveStore(tmp_path / "a", IndexSettings(embedding_model="hash", chunk_size=300))


def test_dense_chunks_embeds_only_the_opening_chunks_and_keeps_the_rest_searchable(tmp_path):
    from qa import Desk, Settings

    settings = Settings(index=IndexSettings(embedding_model="hash", dense_chunks=2))
    desk = Desk.open(tmp_path / "capped", settings, create=True)
    path = tmp_path / "long.jsonl"
    body = " ".join(f"Paragraph {i} repeats the harbor budget debate." for i in range(150))
    path.write_text(json.dumps({"id": "long", "title": "Harbor budget", "text": body + " The zeppelin finale."}) + "\n")
    report = desk.ingest([path])
    assert report.chunks > 4 and report.embedded == 2
    assert desk.store.vector_count() == 2 and desk.store.chunk_count() == report.chunks
    assert {c.n for c in desk.store.iter_chunks()} == set(range(report.chunks)), "every chunk is in the lexical index"
    hits = desk.search("zeppelin finale", k=3)
    deep = [h for h in hits if "zeppelin" in h.text]
    assert deep and deep[0].chunk_id == f"long:{report.chunks - 1}", "the last, unembedded chunk is found lexically"
    assert desk.stats().vectors == 2


def test_archive_from_before_dense_chunks_counts_as_embedding_everything(tmp_path):
    ArchiveStore(tmp_path / "old", IndexSettings(embedding_model="hash", dense_chunks=None), create=True)
    meta = tmp_path / "old" / "archive.json"
    recorded = json.loads(meta.read_text())
    del recorded["dense_chunks"]
    meta.write_text(json.dumps(recorded))
    ArchiveStore(tmp_path / "old", IndexSettings(embedding_model="hash", dense_chunks=None))
    with pytest.raises(NewsDeskError, match="was built with dense_chunks=None"):
        ArchiveStore(tmp_path / "old", IndexSettings(embedding_model="hash", dense_chunks=4))
