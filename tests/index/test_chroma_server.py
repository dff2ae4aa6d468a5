"""Vectors in a real chroma server (`chroma run`, the CLI chromadb installs, on a free localhost port): an archive
whose vectors live there ingests, searches, answers, is checked and repaired like an embedded one, a second process
reads it at once, and it cannot be opened by mistake without its server. The manifest and lexical index stay in the
archive folder; the hash embedder keeps it fast."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from index.archive.check import check_archive
from index.archive.lexical import LEXICAL_DIR
from index.archive.vectors import CHROMA_DIR, make_client
from qa import ArchiveSettingsError, Desk, Settings

ARTICLES = Path(__file__).parents[1] / "fixtures" / "articles.jsonl"
QUERIES = ["Harbor rent cap", "Northwind jets order", "council vote", "drought water", "museum statue"]


def settings(port: int, collection: str) -> Settings:
    return Settings(index={"embedding_model": "hash", "chroma_host": "127.0.0.1", "chroma_port": port,
                           "collection": collection}, llm={"backend": "fake"})


def env(port: int, collection: str) -> dict[str, str]:
    return {"NEWSDESK_INDEX__EMBEDDING_MODEL": "hash", "NEWSDESK_LLM__BACKEND": "fake",
            "NEWSDESK_INDEX__CHROMA_HOST": "127.0.0.1", "NEWSDESK_INDEX__CHROMA_PORT": str(port),
            "NEWSDESK_INDEX__COLLECTION": collection}


def held(desk: Desk) -> list[tuple[str, str]]:
    """Every chunk the manifest holds: (chunk id, text)."""
    return sorted((c.chunk_id, c.text) for c in desk.store.iter_chunks())


def test_an_archive_served_by_chroma_is_the_embedded_archive_with_its_vectors_elsewhere(chroma_port, tmp_path):
    served = Desk.open(tmp_path / "served", settings(chroma_port, "served-same"), create=True)
    local = Desk.open(tmp_path / "local", Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"}),
                      create=True)
    assert served.ingest([ARTICLES]).model_dump(exclude={"seconds"}) == local.ingest([ARTICLES]).model_dump(
        exclude={"seconds"})
    assert not (tmp_path / "served" / CHROMA_DIR).exists(), "no embedded store beside a server"
    assert served.store.vector_count() == local.store.vector_count() > 0
    assert held(served) == held(local)
    for query in QUERIES:
        assert [(h.chunk_id, round(h.score, 6)) for h in served.search(query, k=5)] == [
            (h.chunk_id, round(h.score, 6)) for h in local.search(query, k=5)], query
    served.llm = local.llm
    assert served.ask("What did the Harbor city council decide on rents?").citations


def test_a_second_process_searches_the_served_archive_while_the_first_has_it_open(chroma_port, tmp_path):
    desk = Desk.open(tmp_path / "served", settings(chroma_port, "served-two"), create=True)
    desk.ingest([ARTICLES])
    other = subprocess.run(
        [sys.executable, "-m", "ui.cli", "search", QUERIES[1], "--archive", str(tmp_path / "served"), "--json"],
        env={**os.environ, **env(chroma_port, "served-two")}, capture_output=True, text=True, timeout=300,
        cwd=Path(__file__).parents[2],
    )
    assert other.returncode == 0, other.stderr[-1000:]
    hits = json.loads(other.stdout)
    assert [h["chunk_id"] for h in hits] == [h.chunk_id for h in desk.search(QUERIES[1], k=len(hits))]


def test_without_its_server_the_archive_is_refused_in_one_line(chroma_port, tmp_path):
    from ui.cli import cli

    Desk.open(tmp_path / "served", settings(chroma_port, "served-refused"), create=True).ingest([ARTICLES])
    with pytest.raises(ArchiveSettingsError, match="keeps its vectors in a chroma server"):
        Desk.open(tmp_path / "served", Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"}))
    result = CliRunner().invoke(cli, ["search", "rent", "--archive", str(tmp_path / "served")],
                                env={"NEWSDESK_INDEX__EMBEDDING_MODEL": "hash"})
    assert result.exit_code == 1 and "NEWSDESK_INDEX__CHROMA_HOST" in result.output, result.output
    assert not (tmp_path / "served" / CHROMA_DIR).exists(), "the refusal made no embedded store"


def test_check_and_repair_reach_the_vectors_in_the_server(chroma_port, tmp_path):
    served = settings(chroma_port, "served-check")
    Desk.open(tmp_path / "served", served, create=True).ingest([ARTICLES])
    assert check_archive(tmp_path / "served", settings=served.index).consistent
    make_client(tmp_path / "served", served.index).get_collection("served-check").delete(ids=["fx-1:0"])
    damaged = check_archive(tmp_path / "served", settings=served.index)
    assert not damaged.consistent and "vectors.missing" in {f.code for f in damaged.findings}
    assert check_archive(tmp_path / "served", repair=True, settings=served.index).consistent
    assert check_archive(tmp_path / "served", settings=served.index).consistent
    # Checked without its server, nothing is looked for elsewhere, and a repair embeds nothing there.
    embedded = Settings(index={"embedding_model": "hash"}).index
    shutil.rmtree(tmp_path / "served" / LEXICAL_DIR)  # something repairable beside it, so that a repair is tried
    elsewhere = check_archive(tmp_path / "served", repair=True, settings=embedded)
    assert "settings.vectors" in [f.code for f in elsewhere.findings] and not elsewhere.repaired, elsewhere
    assert not (tmp_path / "served" / CHROMA_DIR).exists()
    assert check_archive(tmp_path / "served", repair=True, settings=served.index).consistent, "with it, all is fixed"
