"""Shared fixtures of tests/. Isolation (no network, no $HOME, one model cache per session) is the root conftest.py's,
so that it covers the package doctests as well."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from index.archive.store import ArchiveStore
from index.embedding import Embedder
from qa import Desk, Settings
from qa.llm import make_llm

sys.path.insert(0, str(Path(__file__).parent))  # tests/ helpers such as rtqa_subset

from servers import chroma_port, postgres_url  # noqa: E402, F401 - fixtures for every test module

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class SharedArchive:
    """An archive ingested once and shared read-only by the tests of a module, each of which gets its own Desk.

    The Desk is fresh per test, so ``desk.llm = ...`` or ``desk.settings = ...`` cannot leak into the next test;
    the store and the embedder (the expensive parts) are shared. A test that ingests or deletes needs an archive
    of its own: ``check_unchanged`` fails any test that changed this one.
    """

    store: ArchiveStore
    embedder: Embedder
    settings: Settings
    counts: tuple[int, int, int]

    def desk(self) -> Desk:
        """A new Desk over the shared archive, with its own copy of the settings and its own LLM."""
        settings = self.settings.model_copy(deep=True)
        return Desk(self.store, self.embedder, make_llm(settings.llm, settings.cache_dir), settings)

    def check_unchanged(self) -> None:
        now = _counts(self.store)
        assert now == self.counts, (
            f"a test changed the shared archive at {self.store.path} (articles, chunks, vectors: {self.counts} -> "
            f"{now}); give it an archive of its own"
        )


def _counts(store: ArchiveStore) -> tuple[int, int, int]:
    return store.article_count(), store.chunk_count(), store.vector_count()


@pytest.fixture(scope="session")
def build_shared_archive(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., SharedArchive]:
    """``build(*paths, records=(), settings=None)``: ingest ``paths``, then ``records`` (dicts, written to a JSON Lines
    file first), into a new archive (default settings: the real MiniLM embedder); call it from a module-scoped
    fixture."""

    def build(*paths: Path, records: Sequence[dict] = (), settings: Settings | None = None) -> SharedArchive:
        folder = tmp_path_factory.mktemp("shared-archive") / "archive"
        if records:
            written = folder.with_name("records.jsonl")
            written.write_text("".join(json.dumps(record) + "\n" for record in records))
            paths = (*paths, written)
        settings = (settings or Settings()).model_copy(update={"archive": folder})
        desk = Desk.open(folder, settings, create=True)
        report = desk.ingest(paths)
        assert report.added and not report.failed, report
        return SharedArchive(desk.store, desk.embedder, settings, _counts(desk.store))

    return build


@pytest.fixture
def fixture_articles() -> Path:
    """Eight short invented articles with known answers."""
    return FIXTURES / "articles.jsonl"


@pytest.fixture(scope="module")
def fixture_archive(build_shared_archive: Callable[..., SharedArchive]) -> SharedArchive:
    """The fixture articles, ingested once per module with the real MiniLM embedder (the citation check's
    thresholds are set for it) and default settings."""
    return build_shared_archive(FIXTURES / "articles.jsonl")


@pytest.fixture
def fixture_desk(fixture_archive: SharedArchive) -> Iterator[Desk]:
    """A fresh Desk over the module's shared fixture archive; tests give it the LLM they need, and must not ingest
    into it (the teardown fails a test that changed the archive)."""
    yield fixture_archive.desk()
    fixture_archive.check_unchanged()
