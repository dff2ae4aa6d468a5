"""`newsdesk copy`: an archive kept in a folder copied onto servers (a real PostgreSQL and chroma server) holds the
same articles, chunks and vectors and answers the same searches, without embedding anything again; re-running it
copies nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from index.archive.transfer import copy_archive, open_folder_archive
from qa import ArchiveSettingsError, Desk, Settings

ARTICLES = Path(__file__).parents[1] / "fixtures" / "articles.jsonl"


def test_a_folder_archive_copied_onto_servers_is_the_same_archive(postgres_url, chroma_port, tmp_path):
    from ui.cli import cli

    folder = Desk.open(tmp_path / "folder", Settings(index={"embedding_model": "hash"}), create=True)
    folder.ingest([ARTICLES])
    folder.store.delete(["fx-3"])
    env = {"NEWSDESK_INDEX__EMBEDDING_MODEL": "hash", "NEWSDESK_INDEX__COLLECTION": "copied"}
    servers = ["--database-url", postgres_url, "--chroma-url", f"http://127.0.0.1:{chroma_port}"]
    result = CliRunner().invoke(cli, ["copy", str(tmp_path / "folder"), "--archive", str(tmp_path / "served"),
                                      *servers], env=env)
    assert result.exit_code == 0, result.output
    assert f"copied {folder.store.article_count()} articles" in result.output
    served = Desk.open(tmp_path / "served", Settings(index={"embedding_model": "hash", "collection": "copied"},
                                                     database_url=postgres_url,
                                                     chroma_url=f"http://127.0.0.1:{chroma_port}"))
    assert sorted((c.chunk_id, c.text) for c in served.store.iter_chunks()) == sorted(
        (c.chunk_id, c.text) for c in folder.store.iter_chunks())
    ids = [c.chunk_id for c in folder.store.iter_chunks()]
    def rounded(vectors: dict[str, list[float]]) -> dict[str, list[float]]:
        return {cid: [round(x, 5) for x in vector] for cid, vector in vectors.items()}

    assert rounded(served.store.vectors_of(ids)) == rounded(folder.store.vectors_of(ids)) != {}
    assert served.store.article("fx-1") == folder.store.article("fx-1")
    assert [h.chunk_id for h in served.search("Northwind jets", k=3)] == [
        h.chunk_id for h in folder.search("Northwind jets", k=3)]
    assert copy_archive(open_folder_archive(tmp_path / "folder"), served.store) == 0, "nothing left to copy"


def test_archives_that_chunk_differently_are_not_copied_into_each_other(tmp_path):
    Desk.open(tmp_path / "a", Settings(index={"embedding_model": "hash"}), create=True).ingest([ARTICLES])
    other = Desk.open(tmp_path / "b", Settings(index={"embedding_model": "hash", "chunk_size": 90}), create=True)
    with pytest.raises(ArchiveSettingsError, match="chunk and embed differently"):
        copy_archive(open_folder_archive(tmp_path / "a"), other.store)
