"""Checking and repairing an archive, through the real parts: chromadb embedded in tmp_path, tantivy, the SQLite
manifest, and the hash embedder. Each test ingests tests/fixtures/articles.jsonl into an archive of its own (7
articles, 13 chunks of which 7 opening ones are embedded), damages one part behind the others' backs the way a crash
or a stray tool would, and asserts that the check reports exactly that, that a repair fixes what it claims to, and
that the repaired archive searches like an undamaged one.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import tantivy

from index.archive.check import check_archive
from index.archive.lexical import LEXICAL_DIR, LexicalIndex
from index.archive.lock import ArchiveLock
from index.archive.manifest import MANIFEST, Manifest
from index.archive.recorded import META
from index.archive.vectors import make_client
from index.chunking import Chunk
from index.reference import ArticleRef
from qa import ArchiveNotFoundError, Desk, Settings

ARTICLES = Path(__file__).parents[1] / "fixtures" / "articles.jsonl"
# Small chunks and one embedded chunk per article: every article has lexical-only chunks beyond the dense ones.
SETTINGS = Settings(index={"embedding_model": "hash", "chunk_size": 24, "chunk_overlap": 0, "dense_chunks": 1},
                    llm={"backend": "fake"})  # fmt: skip
QUERIES = ["rent cap Harbor", "landlords sue", "bronze statue museum", "council vote", "drought water"]


def build(folder: Path) -> Path:
    desk = Desk.open(folder, SETTINGS, create=True)
    assert desk.ingest([ARTICLES]).added == 7
    desk.close()
    return folder


def searched(folder: Path) -> list[dict[str, tuple[float | None, float | None]]]:
    """Per query, every passage found with its similarity and BM25 score. Ranks are left out: equal scores tie, and
    chroma and tantivy break ties by the order in which entries were stored, which a repair changes."""
    desk = Desk.open(folder, SETTINGS)
    try:
        results = [desk.search(q, k=20) for q in QUERIES]
    finally:
        desk.close()
    return [{h.chunk_id: (_rounded(h.dense_score), _rounded(h.lexical_score)) for h in hits} for hits in results]


def _rounded(score: float | None) -> float | None:
    return None if score is None else round(score, 4)


@pytest.fixture(scope="module")
def undamaged(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, tuple[float | None, float | None]]]:
    results = searched(build(tmp_path_factory.mktemp("undamaged") / "archive"))
    assert all(any(d or w for d, w in found.values()) for found in results), "each query matches passages"
    return results


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return build(tmp_path / "archive")


def codes(report) -> set[str]:
    return {f.code for f in report.findings}


def collection(folder: Path):
    return make_client(folder, SETTINGS.index).get_collection(SETTINGS.index.collection)


def lexical_writer(folder: Path):
    return tantivy.Index.open(str(folder / LEXICAL_DIR)).writer(15_000_000, 1)


def ghost_chunk(chunk_id: str = "ghost:0") -> Chunk:
    ref = ArticleRef(article_id=chunk_id.split(":")[0], title="Ghost story", source="Nowhere")
    return Chunk(chunk_id=chunk_id, article=ref, n=0, text="A ghost haunts the rent cap debate.", start=0, end=35)


def held_chunk(folder: Path, chunk_id: str) -> Chunk:
    manifest = Manifest(folder / MANIFEST)
    try:
        return manifest.chunks([chunk_id])[chunk_id]
    finally:
        manifest.close()


def tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


# -- damage, each as a crash or a stray tool would leave it ----------------------------------------


def drop_vector(folder: Path) -> None:
    collection(folder).delete(ids=["fx-1:0"])


def orphan_vector(folder: Path) -> None:
    collection(folder).upsert(ids=["ghost:0"], embeddings=[[0.0] * 255 + [1.0]], metadatas=[{"article_id": "ghost"}])


def unknown_chunk_vector(folder: Path) -> None:
    collection(folder).upsert(ids=["fx-1:9"], embeddings=[[0.0] * 255 + [1.0]], metadatas=[{"article_id": "fx-1"}])


def vector_beyond_dense(folder: Path) -> None:
    # fx-1:1 is held but, as a second chunk with dense_chunks=1, never embedded.
    collection(folder).upsert(ids=["fx-1:1"], embeddings=[[0.0] * 255 + [1.0]], metadatas=[{"article_id": "fx-1"}])


def mislabelled_vector(folder: Path) -> None:
    # Filed under fx-2, so deleting fx-1 would leave it behind.
    collection(folder).upsert(ids=["fx-1:0"], embeddings=[[0.0] * 255 + [1.0]], metadatas=[{"article_id": "fx-2"}])


def drop_lexical_doc(folder: Path) -> None:
    writer = lexical_writer(folder)
    writer.delete_documents_by_term("chunk_id", "fx-2:1")
    writer.commit()
    writer.wait_merging_threads()


def orphan_lexical_doc(folder: Path) -> None:
    LexicalIndex(folder / LEXICAL_DIR).replace([], [ghost_chunk()])


def duplicate_lexical_doc(folder: Path) -> None:
    LexicalIndex(folder / LEXICAL_DIR).replace([], [held_chunk(folder, "fx-3:0")])


def remove_lexical_index(folder: Path) -> None:
    shutil.rmtree(folder / LEXICAL_DIR)


def leave_partial_build(folder: Path) -> None:
    (folder / (LEXICAL_DIR + ".partial")).mkdir()


def leave_retired_index(folder: Path) -> None:
    shutil.copytree(folder / LEXICAL_DIR, folder / (LEXICAL_DIR + ".old"))  # the rebuild's swap, cut short


def leave_partial_settings(folder: Path) -> None:
    (folder / (META + ".partial")).write_text('{"format": 3, "chunk_si')


def drop_manifest_chunk(folder: Path) -> None:
    manifest = Manifest(folder / MANIFEST)
    with manifest.connection as db:
        db.execute("DELETE FROM chunks WHERE chunk_id = 'fx-2:1'")
    manifest.close()


def stray_manifest_chunk(folder: Path) -> None:
    manifest = Manifest(folder / MANIFEST)
    with manifest.connection as db:
        db.execute("INSERT INTO chunks (chunk_id, article_id, n, start, \"end\", text) "
                   "VALUES ('ghost:3', 'ghost', 3, 0, 5, 'Boo.')")  # fmt: skip
    manifest.close()


def drop_journal_table(folder: Path) -> None:
    manifest = Manifest(folder / MANIFEST)
    with manifest.connection as db:
        db.execute("DROP TABLE deleting")  # as a manifest from before the delete journal
    manifest.close()


def old_format(folder: Path) -> None:
    meta = json.loads((folder / META).read_text())
    (folder / META).write_text(json.dumps({**meta, "format": 2}))


REPAIRABLE = [
    (drop_vector, {"vectors.missing"}, "fx-1:0"),
    (orphan_vector, {"vectors.orphan"}, "ghost:0"),
    (unknown_chunk_vector, {"vectors.unknown"}, "fx-1:9"),
    (vector_beyond_dense, {"vectors.not_dense"}, "fx-1:1"),
    (mislabelled_vector, {"vectors.mislabelled"}, "fx-1:0"),
    (drop_lexical_doc, {"lexical.missing"}, "fx-2:1"),
    (orphan_lexical_doc, {"lexical.orphan"}, "ghost:0"),
    (duplicate_lexical_doc, {"lexical.duplicates"}, "fx-3:0"),
    (remove_lexical_index, {"lexical.absent"}, LEXICAL_DIR),
    (leave_partial_build, {"leftovers.partial"}, LEXICAL_DIR + ".partial"),
    (leave_partial_settings, {"leftovers.partial"}, META + ".partial"),
    (leave_retired_index, {"leftovers.partial"}, LEXICAL_DIR + ".old"),
    # The lexical entry of the chunk the manifest lost is one it no longer holds; re-chunking restores both.
    (drop_manifest_chunk, {"manifest.incomplete", "lexical.unknown"}, None),
    (stray_manifest_chunk, {"manifest.stray_chunks"}, "ghost:3"),
    (old_format, {"format.upgrade"}, META),
    (drop_journal_table, {"manifest.schema"}, "deleting"),
]


def test_a_fresh_archive_checks_clean_and_the_check_writes_nothing(archive):
    before = tree(archive)
    report = check_archive(archive, settings=SETTINGS.index)
    assert report.consistent and report.findings == [] and report.repaired == []
    assert any("7 articles, 13 chunks" in line for line in report.passed)
    assert any(line.startswith("vectors: 7") for line in report.passed), "one vector per opening chunk"
    assert any(line.startswith("lexical index: 13") for line in report.passed)
    assert tree(archive) == before, "a check opens every part read-only"


@pytest.mark.parametrize(("damage", "expected", "example"), REPAIRABLE, ids=[d.__name__ for d, _, _ in REPAIRABLE])
def test_each_damage_is_reported_exactly_and_repaired(archive, undamaged, damage, expected, example):
    damage(archive)
    before = tree(archive)
    report = check_archive(archive, settings=SETTINGS.index)
    assert codes(report) == expected and not report.consistent
    assert all(f.repairable and f.count == 1 for f in report.findings), report.findings
    if example is not None:
        assert [f.example for f in report.findings] == [example]
    assert tree(archive) == before, "reporting damage changes nothing"
    repaired = check_archive(archive, repair=True, settings=SETTINGS.index)
    assert repaired.consistent and {f.code for f in repaired.repaired} == expected, repaired.findings
    assert check_archive(archive, settings=SETTINGS.index).consistent, "a re-check finds nothing left"
    assert searched(archive) == undamaged, "the repaired archive searches like one never damaged"


def test_an_unfinished_delete_is_reported_once_and_finished(archive, undamaged):
    manifest = Manifest(archive / MANIFEST)
    assert manifest.delete(["fx-6"]) == ["fx-6"]  # the manifest's step alone, as a crash right after it leaves it
    manifest.close()
    report = check_archive(archive, settings=SETTINGS.index)
    assert codes(report) == {"deletes.unfinished"}, "its leftover vectors and entries are not orphans besides"
    assert report.findings[0].example == "fx-6" and report.findings[0].repairable
    repaired = check_archive(archive, repair=True, settings=SETTINGS.index)
    assert repaired.consistent
    assert any(line.startswith("vectors: 6") for line in repaired.passed), "fx-6's vector is gone"
    assert "fx-6" not in collection(archive).get(include=["metadatas"])["ids"][0]
    found = [set(every) for every in searched(archive)]
    assert found == [{c for c in every if not c.startswith("fx-6:")} for every in undamaged], "the rest is still found"


def test_lost_recorded_settings_are_reported_and_not_guessed(archive):
    (archive / META).unlink()
    report = check_archive(archive, repair=True, settings=SETTINGS.index)
    assert codes(report) == {"settings.missing"} and not report.findings[0].repairable
    assert report.repaired == [] and not (archive / META).exists(), "the settings it was built with are not guessed"


def test_a_corrupt_manifest_is_reported_and_left_alone(archive):
    (archive / MANIFEST).write_bytes(b"not a database at all" * 100)
    report = check_archive(archive, repair=True, settings=SETTINGS.index)
    assert codes(report) == {"manifest.unreadable"} and not report.findings[0].repairable
    assert (archive / MANIFEST).read_bytes() == b"not a database at all" * 100, "repair never rewrites the record"


def test_repair_never_removes_an_article_and_fixes_several_damages_at_once(archive, undamaged):
    for damage in (drop_vector, orphan_vector, orphan_lexical_doc, drop_lexical_doc, drop_manifest_chunk):
        damage(archive)
    report = check_archive(archive, repair=True, settings=SETTINGS.index)
    # fx-2:1 lost from the lexical index and the manifest alike: one incomplete article, not a missing entry.
    expected = {"vectors.missing", "vectors.orphan", "lexical.orphan", "manifest.incomplete"}
    assert report.consistent and {f.code for f in report.repaired} == expected
    manifest = Manifest(archive / MANIFEST)
    assert (manifest.article_count(), manifest.chunk_count()) == (7, 13)
    manifest.close()
    assert searched(archive) == undamaged


def test_a_folder_without_an_archive_is_refused(tmp_path):
    with pytest.raises(ArchiveNotFoundError, match="no newsdesk archive"):
        check_archive(tmp_path)
    assert list(tmp_path.iterdir()) == [], "nothing is created there"


def test_a_check_while_another_writer_holds_the_lock_says_so(archive):
    assert not check_archive(archive, settings=SETTINGS.index).writer_active
    with ArchiveLock(archive).hold():  # its own open file, so to the check's probe it is another writer
        assert check_archive(archive, settings=SETTINGS.index).writer_active, "its half-written batch may show"
    assert not check_archive(archive, settings=SETTINGS.index).writer_active


def test_a_check_reads_an_archive_that_a_desk_has_open(archive):
    desk = Desk.open(archive, SETTINGS)
    try:
        assert desk.search("rent cap", k=3), "its connections are open"
        assert (archive / (MANIFEST + "-wal")).exists(), "so the manifest's write-ahead log is on disk"
        report = check_archive(archive, settings=SETTINGS.index)
        assert report.consistent and any("7 articles" in line for line in report.passed)
    finally:
        desk.close()
