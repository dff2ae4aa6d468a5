"""Tests never see the user's home: HOME, the default archive and the libraries' caches all point elsewhere, in
tests and in the packages' doctests alike (the isolation lives in the root conftest.py)."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest
from _pytest.doctest import DoctestModule

from qa import Desk, Settings

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("index", "qa", "ui", "evals")  # pyproject's testpaths besides tests/


def _homes(started_with_home: Path | None) -> list[Path]:
    """The user's home by the account database, and the HOME this pytest run was started with."""
    homes = [Path(pwd.getpwuid(os.getuid()).pw_dir), started_with_home]
    return [home.resolve() for home in homes if home is not None and home != Path("/")]


def _outside(path: Path, homes: list[Path]) -> bool:
    path = path.resolve()
    return all(path != home and home not in path.parents for home in homes)


def test_home_is_the_tests_own_folder(tmp_path, started_with_home):
    home = Path.home().resolve()
    assert home == Path(os.environ["HOME"]).resolve() == (tmp_path / "home").resolve()
    assert _outside(home, _homes(started_with_home))
    assert Path("~/.newsdesk").expanduser().resolve() == home / ".newsdesk"


def test_desk_open_with_no_path_opens_an_archive_under_the_tests_tmp_path(tmp_path, monkeypatch):
    for archive in (os.environ["NEWSDESK_ARCHIVE"], None):  # NEWSDESK_ARCHIVE as the fixture sets it, then unset
        if archive is None:
            monkeypatch.delenv("NEWSDESK_ARCHIVE")
        desk = Desk.open(settings=Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"}))
        assert tmp_path.resolve() in desk.path.resolve().parents, desk.path
        assert not desk.path.exists(), "opening alone creates nothing"


def test_library_caches_are_outside_the_users_home(started_with_home):
    homes = _homes(started_with_home)
    for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "HF_HOME", "MPLCONFIGDIR", "GRADIO_TEMP_DIR",
                 "LLAMA_INDEX_CACHE_DIR", "NEWSDESK_CACHE_DIR"):
        assert _outside(Path(os.environ[name]), homes), name
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    # These libraries read their folders once, at import: they must have been imported after the isolation.
    import huggingface_hub.constants
    import matplotlib
    from gradio_client import client as gradio_client

    assert Path(huggingface_hub.constants.HF_HOME) == Path(os.environ["HF_HOME"])
    assert huggingface_hub.constants.HF_HUB_OFFLINE
    assert Path(matplotlib.get_configdir()) == Path(matplotlib.get_cachedir()) == Path(os.environ["MPLCONFIGDIR"])
    assert Path(gradio_client.DEFAULT_TEMP_DIR) == Path(os.environ["GRADIO_TEMP_DIR"])


def test_package_doctests_get_the_isolation_too(request):
    # A package's doctest once opened the user's real ~/.newsdesk: the autouse isolation must reach every package,
    # not only tests/.
    modules = [path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py")) if ">>>" in
               path.read_text(encoding="utf-8")]
    items = [item for path in modules for item in DoctestModule.from_parent(request.session, path=path).collect()]
    assert len(items) > 10, "the packages hold doctests"
    assert all(isinstance(item, pytest.DoctestItem) for item in items)
    assert [item.name for item in items if "_isolated" not in item.fixturenames] == []
