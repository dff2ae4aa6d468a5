"""Imports go one way: ui -> evals -> qa -> index. Nothing imports ui; only ui imports evals. Third-party engines
stay inside the part that wraps them, so their types never reach the public API."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {"index": set(), "qa": {"index"}, "evals": {"qa", "index"}, "ui": {"evals", "qa", "index"}}
# Where each engine may be imported: a folder (or module) path prefix. evals builds the peers' own indexes.
THIRD_PARTY_HOMES = {
    "chromadb": ("index/archive/", "evals/"),
    "tantivy": ("index/archive/",),
    "sentence_transformers": ("index/embedding.py",),
    "torch": ("index/embedding.py", "index/query_encoder.py"),
    "onnxruntime": ("index/query_encoder.py",),
    "llama_index": ("index/chunking.py", "evals/"),
    "xllamacpp": ("qa/llm/",),
    "tokenizers": ("qa/llm/", "index/query_encoder.py"),
    "jinja2": ("qa/llm/",),
    "httpx": ("qa/llm/",),
    "gradio": ("ui/",),
    "click": ("ui/",),
    "ray": ("index/cluster.py",),
    "spacy": ("qa/answering/grammar.py",),
}


def imported_packages(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_point_down_only(package):
    for path in (ROOT / package).rglob("*.py"):
        used = imported_packages(path)
        backwards = (used & set(ALLOWED)) - ALLOWED[package] - {package}
        assert not backwards, f"{path.relative_to(ROOT)} imports {backwards}"


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_engines_stay_in_the_part_that_wraps_them(package):
    for path in (ROOT / package).rglob("*.py"):
        where = path.relative_to(ROOT).as_posix()
        for lib in imported_packages(path) & set(THIRD_PARTY_HOMES):
            assert where.startswith(THIRD_PARTY_HOMES[lib]), f"{where} imports {lib}"


def test_the_checker_sees_a_backwards_import(tmp_path):
    # The checks above pass vacuously if imported_packages misses imports; prove it finds each form.
    module = tmp_path / "m.py"
    module.write_text("import ui.app\nfrom evals import run\nfrom . import sibling\nimport chromadb as c\n")
    assert imported_packages(module) == {"ui", "evals", "chromadb"}
