"""Isolation for everything pytest runs here: tests/ and the doctests of index/, qa/, ui/ and evals/.

No test, doctest or library they call may read or write the user's home, their ``~/.newsdesk`` archive or their
caches. Two layers:

- process-wide, when pytest loads this file: it is the first conftest loaded, before tests/conftest.py and
  whatever that imports, and before collection imports the test modules and the packages (for their doctests);
  so before the libraries that read their settings at import time (huggingface_hub, matplotlib, gradio). HOME
  and every cache and config folder point into a throw-away sandbox, the network-free switches are on, and the
  user's ``NEWSDESK_*`` settings are cleared. This also covers module-scoped fixtures, which are set up before
  any function-scoped one.
- per test (``_isolated``, autouse, so doctests get it too): HOME and the default archive move under the test's
  own ``tmp_path``, so ``Desk.open()`` with no path opens a fresh archive there.

Not set on purpose: ``TIKTOKEN_CACHE_DIR`` and ``NLTK_DATA``. llama-index points tiktoken at the cl100k files it
ships whenever TIKTOKEN_CACHE_DIR is unset, and reads nltk's punkt from its own package when NLTK_DATA is unset;
pointing either at an empty folder would make them try to download.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest


def _environment(sandbox: Path) -> dict[str, str]:
    """The process-wide settings: each a folder inside ``sandbox``, or a switch."""
    return {
        "HOME": str(sandbox / "home"),
        # platformdirs (llama-index's cache, among others), torch and most tools follow the XDG folders.
        "XDG_CACHE_HOME": str(sandbox / "cache"),
        "XDG_CONFIG_HOME": str(sandbox / "config"),
        "XDG_DATA_HOME": str(sandbox / "data"),
        "XDG_STATE_HOME": str(sandbox / "state"),
        # matplotlib (evals' chart.png) wrote ~/.config/matplotlib and ~/.cache/matplotlib/fontlist-*.json.
        "MPLCONFIGDIR": str(sandbox / "matplotlib"),
        # llama-index's get_cache_dir() made ~/.cache/llama_index (the llamaindex-default eval system).
        "LLAMA_INDEX_CACHE_DIR": str(sandbox / "llama_index"),
        "HF_HOME": str(sandbox / "huggingface"),
        "HF_HUB_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "TRANSFORMERS_OFFLINE": "1",
        # gradio and gradio_client read GRADIO_TEMP_DIR into module constants at import.
        "GRADIO_TEMP_DIR": str(sandbox / "gradio"),
        "GRADIO_ANALYTICS_ENABLED": "False",
        # Joined model files (~500 MB for the bundled LLM): once per session, shared by every test.
        "NEWSDESK_CACHE_DIR": str(sandbox / "newsdesk-cache"),
    }


def _isolate_process() -> tuple[Path, dict[str, str | None]]:
    """Point this process at a new sandbox; return the sandbox and the environment it replaced."""
    sandbox = Path(tempfile.mkdtemp(prefix="newsdesk-tests-"))
    for folder in ("home", "newsdesk-cache"):
        (sandbox / folder).mkdir()
    environment = _environment(sandbox)
    user_settings = [name for name in os.environ if name.startswith("NEWSDESK_") and name not in environment]
    replaced = {name: os.environ.get(name) for name in [*environment, *user_settings]}
    for name in user_settings:
        del os.environ[name]
    os.environ.update(environment)
    return sandbox, replaced


_SANDBOX, _STARTED_WITH = _isolate_process()


def pytest_unconfigure(config: pytest.Config) -> None:
    for name, value in _STARTED_WITH.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    shutil.rmtree(_SANDBOX, ignore_errors=True)


@pytest.fixture(scope="session")
def started_with_home() -> Path | None:
    """The HOME this pytest run was started with (the user's), which no test may see or touch."""
    home = _STARTED_WITH["HOME"]
    return Path(home) if home else None


@pytest.fixture(scope="session")
def model_cache() -> Path:
    """Where the bundled LLM is joined, once per session (joining copies ~500 MB); NEWSDESK_CACHE_DIR names it."""
    return _SANDBOX / "newsdesk-cache"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, model_cache: Path) -> None:
    # Network: pytest-socket's --allow-hosts (pyproject) lets tests reach only loopback servers they start.
    # HOME is not created: tests that check nothing was written under tmp_path see any write to HOME too.
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NEWSDESK_ARCHIVE", str(tmp_path / "archive"))
    monkeypatch.setenv("NEWSDESK_CACHE_DIR", str(model_cache))
    for name in list(os.environ):
        if name.startswith("NEWSDESK_") and name not in ("NEWSDESK_ARCHIVE", "NEWSDESK_CACHE_DIR"):
            monkeypatch.delenv(name)
