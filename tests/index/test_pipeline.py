import json
from pathlib import Path

import pytest

from index import ArchiveStore, HashEmbedder, IndexSettings, chunk_article, ingest
from index.articles import Article
from index.errors import ArchiveNotFoundError, NewsDeskError


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
    assert store.chunk_count() == 1, "stale chunks of the old version are deleted"
    assert store.article("a").text == "Now a short correction."


def test_same_record_twice_in_one_run_is_one_article(store, tmp_path):
    path = tmp_path / "twice.jsonl"
    line = json.dumps({"id": "x", "text": "Only once."}) + "\n"
    path.write_text(line + line)
    report = ingest([path], store, HashEmbedder())
    assert (report.added, report.duplicates) == (1, 1)


def test_chunks_keep_offsets_and_article_metadata(fixture_articles, store):
    ingest([fixture_articles], store, HashEmbedder())
    chunks = list(store.iter_chunks(page_size=2))
    assert len({c.chunk_id for c in chunks}) == len(chunks) == store.chunk_count()
    for chunk in chunks:
        article = store.article(chunk.article_id)
        assert article.text[chunk.start : chunk.end] == chunk.text
        assert chunk.title == article.title and chunk.source == article.source
        assert chunk.published_ts == int(article.published_at.timestamp())


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
