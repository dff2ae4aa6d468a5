"""Each part of an archive on its own, through the real components: the SQLite manifest, the chroma vector index
(an embedded store in tmp_path), the recorded settings with their format migration, and the facade's write
across all of them."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

import index.archive.vectors
from index import ArchiveStore, IndexSettings
from index.archive.lexical import LEXICAL_DIR, LexicalIndex
from index.archive.manifest import MANIFEST, Manifest
from index.archive.recorded import FORMAT_VERSION, META, RecordedSettings, exists
from index.archive.vectors import VectorIndex, chroma_where, chunk_metadata
from index.articles import Article
from index.chunking import Chunk
from index.errors import ArchiveNotFoundError, ArchiveSettingsError, FilterError
from index.filters import ChunkFilter
from index.reference import ArticleRef


def ts(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp())


def article(aid: str, *paragraphs: str, source: str | None = "Wire", day: str | None = "2024-06-01", **metadata):
    published = datetime.fromisoformat(day).replace(tzinfo=UTC) if day else None
    return Article(article_id=aid, title=f"{aid} headline", text="\n\n".join(paragraphs), source=source,
                   url=f"https://news.example/{aid}", published_at=published, authors=("A. Writer",),
                   language="en", metadata=metadata)  # fmt: skip


def chunks_of(a: Article) -> list[Chunk]:
    # One chunk per paragraph, with offsets into the text as chunk_article gives them.
    ref, chunks, start = ArticleRef.of(a), [], 0
    for n, text in enumerate(a.text.split("\n\n")):
        start = a.text.index(text, start)
        chunks.append(Chunk(chunk_id=f"{a.article_id}:{n}", article=ref, n=n, text=text, start=start,
                            end=start + len(text)))  # fmt: skip
    return chunks


# -- manifest -----------------------------------------------------------------------------------


@pytest.fixture
def manifest(tmp_path: Path):
    m = Manifest(tmp_path / MANIFEST)
    yield m
    m.close()


def test_manifest_round_trips_an_article_and_its_chunks(manifest):
    a = article("harbor", "The council voted.", "Dredging starts in May.", section="local", page=2)
    manifest.write([(a, chunks_of(a), "feed.jsonl")])
    assert manifest.article("harbor") == a, "every field, dates and record metadata included, comes back"
    assert manifest.article("missing") is None
    found = manifest.chunks(["harbor:1", "harbor:0", "nope:0"])
    assert found == {c.chunk_id: c for c in chunks_of(a)}, "unknown ids are left out"
    assert list(manifest.iter_chunks()) == chunks_of(a)
    assert (manifest.article_count(), manifest.chunk_count()) == (1, 2)
    assert manifest.content_hash("harbor") == a.content_hash and manifest.content_hash("missing") is None
    assert manifest.article_with_text(a.text_hash) == "harbor"


def test_a_new_version_replaces_the_old_chunks_even_when_it_has_fewer(manifest):
    old = article("harbor", "First.", "Second.", "Third.")
    manifest.write([(old, chunks_of(old), None)])
    new = article("harbor", "Corrected.")
    manifest.write([(new, chunks_of(new), None)])
    assert manifest.chunks(["harbor:0", "harbor:1", "harbor:2"]) == {"harbor:0": chunks_of(new)[0]}
    assert manifest.article("harbor").text == "Corrected." and manifest.stats().chunks == 1


def test_articles_with_needs_every_field_to_match(manifest):
    local = article("local", "Council news.", section="local", page=2)
    national = article("national", "Budget news.", section="national", page=2)
    manifest.write([(a, chunks_of(a), None) for a in (local, national)])
    assert manifest.articles_with({"section": "local"}) == ["local"]
    assert sorted(manifest.articles_with({"page": 2})) == ["local", "national"], "numbers compare as numbers"
    assert manifest.articles_with({"section": "local", "page": 3}) == []
    with pytest.raises(FilterError, match="no stored article has a field 'missing'; the fields you can filter on "
                       "are authors, page, section, url"):
        manifest.articles_with({"missing": "x"})


def test_passing_keeps_held_chunks_that_pass_every_filter(manifest):
    batch = [article("wire", "A."), article("herald", "B.", source="Herald", day="2023-03-01"),
             article("undated", "C.", day=None)]  # fmt: skip
    manifest.write([(a, chunks_of(a), None) for a in batch])
    ids = ["wire:0", "herald:0", "undated:0", "ghost:0"]
    assert manifest.passing(ids, ChunkFilter()) == {"wire:0", "herald:0", "undated:0"}, "ghost is not held"
    assert manifest.passing(ids, ChunkFilter(sources=("Herald",))) == {"herald:0"}
    assert manifest.passing(ids, ChunkFilter(as_of_ts=ts("2024-01-01"))) == {"herald:0", "undated:0"}
    assert manifest.passing(ids, ChunkFilter(since_ts=ts("2023-01-01"))) == {"wire:0", "herald:0"}
    assert manifest.passing(ids, ChunkFilter(exclude=frozenset({"wire"}))) == {"herald:0", "undated:0"}
    assert manifest.passing(ids, ChunkFilter(article_ids=frozenset({"undated", "ghost"}))) == {"undated:0"}


def test_stats_count_articles_dates_and_publishers(manifest):
    batch = [article("w1", "A.", day="2024-06-01"), article("w2", "B.", "C.", day="2023-03-01"),
             article("h1", "D.", source="Herald", day=None), article("x", "E.", source=None)]  # fmt: skip
    manifest.write([(a, chunks_of(a), None) for a in batch])
    stats = manifest.stats()
    assert (stats.articles, stats.chunks, stats.undated) == (4, 5, 1)
    assert (stats.earliest, stats.latest) == (batch[1].published_at, batch[0].published_at)
    assert list(stats.sources.items()) == [("Wire", 2), ("(unknown)", 1), ("Herald", 1)]


# -- vectors ------------------------------------------------------------------------------------

NEAR = article("near", "Near.")
MID = article("mid", "Mid.", source="Herald", day=None, section="local")
FAR = article("far", "Far.", source="Herald", day="2023-01-01")


@pytest.fixture
def vectors(tmp_path: Path) -> VectorIndex:
    index = VectorIndex(tmp_path, IndexSettings(embedding_model="hash"))
    assert not (tmp_path / "chroma").exists(), "chroma starts only when first used"
    index.upsert([(NEAR, chunks_of(NEAR), [[1.0, 0.0, 0.0]]), (MID, chunks_of(MID), [[0.8, 0.6, 0.0]]),
                  (FAR, chunks_of(FAR), [[0.0, 0.0, 1.0]])])  # fmt: skip
    return index


def test_nearest_returns_ids_nearest_first_with_cosine_distances(vectors):
    ids, distances = vectors.nearest([1.0, 0.0, 0.0], 3)
    assert ids == ["near:0", "mid:0", "far:0"]
    assert distances == pytest.approx([0.0, 0.2, 1.0], abs=1e-4)
    assert vectors.nearest([1.0, 0.0, 0.0], 1)[0] == ["near:0"]
    assert vectors.count() == 3


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (ChunkFilter(sources=("Herald",)), ["mid:0", "far:0"]),
        (ChunkFilter(as_of_ts=ts("2024-01-01")), ["mid:0", "far:0"]),
        (ChunkFilter(since_ts=ts("2022-01-01")), ["near:0", "far:0"]),
        (ChunkFilter(exclude=frozenset({"near"})), ["mid:0", "far:0"]),
        (ChunkFilter(article_ids=frozenset({"far", "near"}), exclude=frozenset({"near"})), ["far:0"]),
        (ChunkFilter(), ["near:0", "mid:0", "far:0"]),
    ],
)
def test_nearest_with_a_filter_applies_it_inside_chroma(vectors, where, expected):
    assert vectors.nearest([1.0, 0.0, 0.0], 3, where)[0] == expected


def test_upsert_replaces_a_vector_and_delete_removes_whole_articles(vectors):
    vectors.upsert([(FAR, chunks_of(FAR), [[0.0, 1.0, 0.0]])])
    assert vectors.count() == 3, "the same chunk id replaces, not adds"
    assert vectors.nearest([0.0, 1.0, 0.0], 1)[0] == ["far:0"]
    vectors.delete_articles(["near", "mid", "never-stored"])
    assert vectors.count() == 1 and vectors.nearest([0.0, 0.0, 1.0], 3)[0] == ["far:0"]


def test_upsert_sends_large_batches_in_pages_without_losing_the_last(vectors, monkeypatch):
    monkeypatch.setattr(index.archive.vectors, "_UPSERT_PAGE", 2)
    many = article("many", *(f"Paragraph {i}." for i in range(5)))
    vectors.upsert([(many, chunks_of(many), [[0.0, 1.0, float(i)] for i in range(5)])])
    assert vectors.count() == 8
    assert set(vectors.nearest([0.0, 1.0, 0.0], 8, ChunkFilter(article_ids=frozenset({"many"})))[0]) == {
        f"many:{i}" for i in range(5)
    }


def test_chroma_keeps_filter_fields_and_record_metadata_but_no_text(vectors):
    stored = vectors.collection.get(ids=["mid:0"], include=["documents", "metadatas"])
    assert stored["documents"] == [None]
    assert stored["metadatas"][0] == {"article_id": "mid", "source": "Herald", "dated": False, "meta.section": "local"}
    assert chunk_metadata(chunks_of(FAR)[0], FAR)["published_ts"] == ts("2023-01-01")


def test_chroma_where_leaves_an_open_filter_out_and_unwraps_a_single_clause():
    assert chroma_where(ChunkFilter()) is None
    assert chroma_where(ChunkFilter(sources=("Herald",))) == {"source": {"$in": ["Herald"]}}
    both = chroma_where(ChunkFilter(until_ts=5, exclude=frozenset({"b", "a"})))
    assert both == {"$and": [{"published_ts": {"$lte": 5}}, {"article_id": {"$nin": ["a", "b"]}}]}


# -- recorded settings --------------------------------------------------------------------------


def test_settings_are_recorded_on_create_and_a_missing_archive_is_refused(tmp_path: Path):
    path = tmp_path / "arch"
    assert not exists(path)
    with pytest.raises(ArchiveNotFoundError, match="newsdesk ingest"):
        RecordedSettings(path, IndexSettings())
    RecordedSettings(path, IndexSettings(chunk_size=120), create=True)
    assert exists(path)
    assert json.loads((path / META).read_text()) == {
        "format": FORMAT_VERSION, **IndexSettings(chunk_size=120).shape(), "vectors": "embedded", "manifest": "folder",
    }


def test_an_archive_is_opened_only_where_its_vectors_live(tmp_path: Path):
    server = IndexSettings(chroma_host="127.0.0.1", collection="wires")
    RecordedSettings(tmp_path / "served", server, create=True)
    assert json.loads((tmp_path / "served" / META).read_text())["vectors"] == "chroma-server"
    with pytest.raises(ArchiveSettingsError, match="keeps its vectors in a chroma server .collection 'wires'."):
        RecordedSettings(tmp_path / "served", IndexSettings())
    with pytest.raises(ArchiveSettingsError, match="NEWSDESK_INDEX__COLLECTION"):
        RecordedSettings(tmp_path / "served", IndexSettings(chroma_host="127.0.0.1", collection="other"))
    RecordedSettings(tmp_path / "served", IndexSettings(chroma_host="10.0.0.9", chroma_port=9000, collection="wires"))
    RecordedSettings(tmp_path / "local", IndexSettings(), create=True)
    with pytest.raises(ArchiveSettingsError, match="not in a chroma server"):
        RecordedSettings(tmp_path / "local", server)
    # An archive recorded before servers were possible kept its vectors in the folder.
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / META).write_text(json.dumps({"format": FORMAT_VERSION, **IndexSettings().shape()}))
    RecordedSettings(tmp_path / "old", IndexSettings())
    with pytest.raises(ArchiveSettingsError, match="not in a chroma server"):
        RecordedSettings(tmp_path / "old", server)


def test_an_archive_opened_with_other_settings_is_refused(tmp_path: Path):
    RecordedSettings(tmp_path, IndexSettings(chunk_size=120, embedding_model="hash"), create=True)
    with pytest.raises(ArchiveSettingsError, match=r"built with chunk_size=120; use the same settings"):
        RecordedSettings(tmp_path, IndexSettings(embedding_model="hash"), create=True)
    opened = RecordedSettings(tmp_path, IndexSettings(chunk_size=120, embedding_model="hash", collection="x"))
    assert opened.format == FORMAT_VERSION


def test_an_archive_from_before_dense_chunks_counts_as_embedding_every_chunk(tmp_path: Path):
    shape = {k: v for k, v in IndexSettings().shape().items() if k != "dense_chunks"}
    (tmp_path / META).write_text(json.dumps({"format": FORMAT_VERSION, **shape}))
    with pytest.raises(ArchiveSettingsError, match="dense_chunks=None"):
        RecordedSettings(tmp_path, IndexSettings())
    RecordedSettings(tmp_path, IndexSettings(dense_chunks=None))


def test_a_format_1_manifest_is_migrated_and_the_new_format_recorded_when_done(tmp_path: Path):
    (tmp_path / META).write_text(json.dumps({"format": 1, **IndexSettings().shape()}))
    manifest = Manifest(tmp_path / MANIFEST)
    with manifest.connection as db:
        db.execute("CREATE VIRTUAL TABLE chunks_fts USING fts5(title, text, chunk_id UNINDEXED, "
                   'article_id UNINDEXED, n UNINDEXED, start UNINDEXED, "end" UNINDEXED, source UNINDEXED, '
                   "url UNINDEXED, published_ts UNINDEXED)")  # fmt: skip
        db.execute("INSERT INTO chunks_fts VALUES ('', 'Old text.', 'old:0', 'old', 0, 0, 9, '', '', NULL)")
    record = RecordedSettings(tmp_path, IndexSettings())
    assert record.format == 1
    record.migrate(manifest.connection)
    (moved,) = manifest.chunks(["old:0"]).values()
    assert moved.text == "Old text." and moved.article.source is None and moved.article.title is None
    tables = {row[0] for row in manifest.connection.execute("SELECT name FROM sqlite_master")}
    assert "chunks_fts" not in tables
    assert json.loads((tmp_path / META).read_text())["format"] == 1, "recorded only once every step is done"
    record.record_current()
    assert json.loads((tmp_path / META).read_text())["format"] == FORMAT_VERSION
    assert RecordedSettings(tmp_path, IndexSettings()).format == FORMAT_VERSION
    manifest.close()


# -- the facade over all of them ----------------------------------------------------------------


def test_a_write_reaches_every_part_and_a_rewrite_replaces_it_in_each(tmp_path: Path):
    store = ArchiveStore(tmp_path / "arch", IndexSettings(embedding_model="hash", dense_chunks=1), create=True)
    old = article("harbor", "Council votes on dredging.", "Silt goes to the marsh.", "A third paragraph.")
    store.write([(old, chunks_of(old), [[1.0, 0.0, 0.0]], "feed.jsonl")])
    lexical = LexicalIndex(tmp_path / "arch" / LEXICAL_DIR)
    assert (store.vector_count(), store.chunk_count(), lexical.count()) == (1, 3, 3), "only opening chunks embedded"
    assert [c.chunk_id for c, _ in store.lexical_query("marsh silt", 3)] == ["harbor:1"]
    new = article("harbor", "Dredging postponed.")
    store.write([(new, chunks_of(new), [[0.0, 1.0, 0.0]], "feed.jsonl")])
    assert (store.vector_count(), store.chunk_count(), store.article_count()) == (1, 1, 1)
    assert store.lexical_query("marsh silt", 3) == []
    assert [h.chunk.text for h in store.query([0.0, 1.0, 0.0], 3)] == ["Dredging postponed."]
    store.close()
