"""Imports go one way: ui -> evals -> qa -> index. Nothing imports ui; only ui imports evals."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {"index": set(), "qa": {"index"}, "evals": {"qa", "index"}, "ui": {"evals", "qa", "index"}}
THIRD_PARTY_HOMES = {"chromadb": {"index", "evals"}, "gradio": {"ui"}, "click": {"ui", "evals"}}


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
        for lib, homes in THIRD_PARTY_HOMES.items():
            assert lib not in used or package in homes, f"{path.relative_to(ROOT)} imports {lib}"
