"""Where ingest's heavy work runs: reading files, and cutting and embedding batches of articles.

``index.pipeline.ingest`` decides what is new (dedupe against the archive and the run), writes and reports; the
stages only compute. Keeping the two apart is what lets the same ingest run its stages in this process
(``LocalStages``) or spread them over a cluster (``index.distributed.RayStages``) with the same report, dedupe and
manifest semantics: whatever runs the stages, decisions and writes stay in the one process that holds the lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from index.articles import Article
from index.chunking import Chunk, chunk_and_embed
from index.embedding import Embedder
from index.loaders import Loaded, LoadProblem, load
from index.settings import IndexSettings

# A batch's articles with their chunks and the vectors of their opening chunks, in the batch's order.
PreparedBatch = list[tuple[Article, list[Chunk], list[list[float]]]]


class Stages(Protocol):
    """Reads articles and prepares batches of them; results come back in the order asked."""

    def read(self, paths: Iterable[str | Path]) -> Iterator[Loaded | LoadProblem]:
        """Every article under ``paths``, or a problem per bad file or record, in a stable order."""
        ...

    def prepare(self, batches: Iterable[Sequence[Article]]) -> Iterator[PreparedBatch | Exception]:
        """Each batch chunked and embedded, in order. A batch that fails yields its exception instead, so ingest
        can retry it article by article and name the one at fault."""
        ...


class LocalStages:
    """The stages in this process, one batch at a time.

    Args:
        settings: how articles are chunked and embedded.
        embedder: the model that embeds chunks.
    """

    def __init__(self, settings: IndexSettings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder

    def read(self, paths: Iterable[str | Path]) -> Iterator[Loaded | LoadProblem]:
        return load(paths)

    def prepare(self, batches: Iterable[Sequence[Article]]) -> Iterator[PreparedBatch | Exception]:
        for articles in batches:
            try:
                yield chunk_and_embed(articles, self.settings, self.embedder)
            except Exception as exc:  # noqa: BLE001 - handed to ingest, which retries the batch one by one
                yield exc
