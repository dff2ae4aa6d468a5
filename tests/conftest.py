"""Shared fixtures: no network, no $HOME, one model cache per test session."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/ helpers such as rtqa_subset

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the bundled LLM is joined, once per session (joining copies ~500 MB)."""
    return tmp_path_factory.mktemp("newsdesk-cache")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, model_cache: Path) -> None:
    # Network: pytest-socket's --allow-hosts (pyproject) lets tests reach only loopback servers they start.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    monkeypatch.setenv("NEWSDESK_ARCHIVE", str(tmp_path / "archive"))
    monkeypatch.setenv("NEWSDESK_CACHE_DIR", str(model_cache))
    for name in list(os.environ):
        if name.startswith("NEWSDESK_") and name not in ("NEWSDESK_ARCHIVE", "NEWSDESK_CACHE_DIR"):
            monkeypatch.delenv(name)


@pytest.fixture
def fixture_articles() -> Path:
    """Eight short invented articles with known answers."""
    return FIXTURES / "articles.jsonl"


@pytest.fixture
def fixture_desk(tmp_path: Path, fixture_articles: Path):  # type: ignore[no-untyped-def]
    """A Desk over the fixture articles with the real MiniLM embedder (the citation check's thresholds are set for
    it) and default settings; tests give it the LLM they need."""
    from qa import Desk, Settings

    desk = Desk.open(tmp_path / "fixture-archive", Settings(), create=True)
    desk.ingest([fixture_articles])
    return desk
