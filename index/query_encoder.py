"""The bundled MiniLM's encoder run by onnxruntime, for one search query at a time.

A search embeds one short question, and on two CPU cores that was half of its time. onnxruntime computes the same
vector (cosine to sentence-transformers' >= 0.9999999 on the 329 RealTimeQA dev questions) in ~14 ms against ~25 ms
through sentence-transformers and torch, one thread each. Batches (ingest, evidence sentences) stay on torch, which
is no slower there.

sentence-transformers' own ONNX backend needs optimum-onnx, whose releases pin transformers below 4.58 (newsdesk runs
5.x), so the encoder is exported here with ``torch.onnx.export``: once per machine, from the installed weights, into
the cache. Every load checks the file by encoding a probe sentence against the vector torch gave it at export; a
missing, damaged or stale file is exported again.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

PROBE = "Which country's president met the prime minister in Brussels this week?"
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# Looser than the export's own agreement (~1e-7) and tight enough that a changed model never passes.
_PROBE_MIN_COSINE = 0.99999


class OnnxQueryEncoder:
    """Mean-pooled, unit-length MiniLM vectors of single texts, as sentence-transformers computes them.

    Args:
        session: an onnxruntime session over the exported encoder.
        tokenizer: the model's ``tokenizers`` tokenizer, truncating at the model's maximum sequence length.
    """

    def __init__(self, session: Any, tokenizer: Any) -> None:
        self._session = session
        self._tokenizer = tokenizer

    @classmethod
    def load(cls, model_dir: Path, cache_dir: Path, sentence_transformer: Callable[[], Any]) -> OnnxQueryEncoder:
        """The encoder of the model in ``model_dir``, exported into ``cache_dir/models`` on first use.

        Args:
            model_dir: the sentence-transformers folder of the bundled model.
            cache_dir: newsdesk's cache folder.
            sentence_transformer: returns the loaded torch model; called only when the encoder must be exported.

        Raises:
            Exception: whatever export or onnxruntime raise (no ``onnx`` package, an unwritable cache): the caller
                falls back to torch.
        """
        target = _target(model_dir, cache_dir)
        tokenizer = _tokenizer(model_dir)
        with _export_lock:
            encoder = _checked(target, tokenizer)
            if encoder is None:
                _export(sentence_transformer(), target)
                encoder = _checked(target, tokenizer)
                if encoder is None:
                    raise RuntimeError(f"the exported query encoder {target} does not reproduce the model's vector")
        return encoder

    @staticmethod
    def exported(model_dir: Path, cache_dir: Path) -> bool:
        """Whether the encoder of the model in ``model_dir`` has been exported into ``cache_dir`` (loading it is
        then a fraction of a second; exporting takes seconds)."""
        target = _target(model_dir, cache_dir)
        return target.exists() and target.with_suffix(".json").exists()

    def encode(self, text: str) -> list[float]:
        """The unit-length vector of ``text``."""
        encoding = self._tokenizer.encode(text)
        feed = {
            "input_ids": np.array([encoding.ids], dtype=np.int64),
            "attention_mask": np.array([encoding.attention_mask], dtype=np.int64),
            "token_type_ids": np.array([encoding.type_ids], dtype=np.int64),
        }
        tokens = self._session.run(None, feed)[0][0]
        mask = feed["attention_mask"][0][:, None]
        mean = (tokens * mask).sum(axis=0) / max(int(mask.sum()), 1)
        return (mean / (np.linalg.norm(mean) or 1.0)).tolist()  # type: ignore[no-any-return]


# Two threads of one process export once; processes may race, and each renames a complete file into place.
_export_lock = threading.Lock()


def _target(model_dir: Path, cache_dir: Path) -> Path:
    # The weights' size and modification time name the file: a reinstalled or changed model gets a new export.
    weights = os.stat(model_dir / "model.safetensors")
    return Path(cache_dir) / "models" / f"minilm-query-{weights.st_size}-{weights.st_mtime_ns}.onnx"


def _tokenizer(model_dir: Path) -> Any:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    config = json.loads((model_dir / "sentence_bert_config.json").read_text())
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=int(config["max_seq_length"]))
    return tokenizer


def _checked(target: Path, tokenizer: Any) -> OnnxQueryEncoder | None:
    """The encoder in ``target`` if it reproduces the probe vector recorded at its export, else None."""
    try:
        expected = np.array(json.loads(target.with_suffix(".json").read_text())["probe"])
        encoder = OnnxQueryEncoder(_session(target), tokenizer)
    except Exception as exc:  # noqa: BLE001 - missing, unreadable or damaged: export again
        if target.exists():
            logger.warning("query encoder %s is damaged (%s); exporting it again", target, exc)
        return None
    if float(np.dot(encoder.encode(PROBE), expected)) < _PROBE_MIN_COSINE:
        logger.warning("query encoder %s no longer matches the model; exporting it again", target)
        return None
    return encoder


def _session(path: Path) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    # One short text is too small to split across threads: a busy second core would stall the other.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # its notices about unused initialisers are not the user's concern
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _export(model: Any, target: Path) -> None:
    import torch

    logger.info("exporting the embedding model's query encoder to %s (once per machine)", target)
    target.parent.mkdir(parents=True, exist_ok=True)
    bert, tokenizer = model[0].auto_model, model.tokenizer

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            # By keyword: BertModel.forward's positional order differs across transformers releases.
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    sample = tokenizer([PROBE], return_tensors="pt")
    probe = model.encode([PROBE], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)[0]

    def export_to(path: Path) -> None:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # the exporter's tracer warnings concern shapes fixed by the sample
            torch.onnx.export(
                LastHiddenState(), tuple(sample[n] for n in _INPUTS), str(path),
                input_names=list(_INPUTS), output_names=["tokens"],
                dynamic_axes={n: {0: "batch", 1: "tokens"} for n in (*_INPUTS, "tokens")},
                opset_version=17, dynamo=False,
            )

    _write_atomically(target, export_to)
    _write_atomically(target.with_suffix(".json"), lambda path: path.write_text(json.dumps({"probe": probe.tolist()})))


def _write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """``write`` a new file beside ``target`` and rename it into place: a killed writer never leaves a file that
    looks complete, and a failed one leaves nothing."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(handle)
    partial = Path(name)
    try:
        write(partial)
        os.chmod(partial, 0o644)  # mkstemp makes it private; the model is not
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
