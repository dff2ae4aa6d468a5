"""Where ingest's heavy work runs: reading files, and cutting and embedding batches of articles.

``index.pipeline.ingest`` decides what is new (dedupe against the archive and the run), writes and reports; the
stages only compute. Keeping the two apart is what lets the same ingest run its stages in this process
(``LocalStages``) or spread them over a cluster (``index.distributed.RayStages``) with the same report, dedupe and
manifest semantics: whatever runs the stages, decisions and writes stay in the one process that holds the lock.
"""

from __future__ import annotations

import functools
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

from index.articles import Article
from index.chunking import Chunk, chunk_article, embedded_text
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


# Texts per call of the embedding model. The texts of one call are sorted by length before they are cut into model
# batches, so a larger call pads less: on 1,000 RealTimeQA articles (title + an opening chunk, ~190 wordpieces each)
# the model read 5.7% more tokens than the texts hold when each write batch (~170 texts) was one call, 2.5% with calls
# of >= 512 texts, 0.65% with all texts in one call.
ENCODE_TEXTS = 512


class LocalStages:
    """The stages in this process: the embedding model runs in a background thread while this thread reads, cuts
    the next batches into chunks and writes the previous ones, so the model is kept busy nearly all of the time.

    The model reads about ``encode_texts`` texts per call, gathered from whole batches; at most ``look_ahead`` such
    calls wait or run ahead of what ingest has taken, so memory stays bounded whatever the size of the input.
    Torch computes outside the GIL, so the model and this thread truly overlap; but when torch's threads already
    fill every core (its default), the overlapped work shares those cores, and the gain is small (docs/benchmarks.md).

    Args:
        settings: how articles are chunked and embedded.
        embedder: the model that embeds chunks.
        encode_texts: texts gathered for one call of the model (whole batches; 1 embeds batch by batch).
        look_ahead: calls of the model queued ahead of ingest (0: none, the model and this thread take turns).
    """

    def __init__(
        self, settings: IndexSettings, embedder: Embedder, *, encode_texts: int = ENCODE_TEXTS, look_ahead: int = 1
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.encode_texts = max(1, encode_texts)
        self.look_ahead = max(0, look_ahead)

    def read(self, paths: Iterable[str | Path]) -> Iterator[Loaded | LoadProblem]:
        return load(paths)

    def prepare(self, batches: Iterable[Sequence[Article]]) -> Iterator[PreparedBatch | Exception]:
        # One worker: the model's calls run one at a time, in order, each with every torch thread.
        model = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsdesk-embed")
        stop = threading.Event()
        embed = functools.partial(_embed_by_length, self.embedder, 2 * self.settings.embed_batch_size, stop)
        queued: deque[_Call] = deque()  # handed to the model, oldest first
        gathering = _Call()
        try:
            for articles in batches:
                try:
                    chunked = self._chunk(articles)
                except Exception as exc:  # noqa: BLE001 - handed to ingest, which retries the batch one by one
                    # Give back everything before this batch, then its error, before reading on: ingest's retry then
                    # undoes what it had recorded of the failing article before the next batch is judged, as when
                    # batches went one at a time.
                    queued.append(gathering.submit(model, embed))
                    gathering = _Call()
                    while queued:
                        yield from queued.popleft().results()
                    yield exc
                    continue
                gathering.add(chunked, self.settings)
                if gathering.texts >= self.encode_texts:
                    queued.append(gathering.submit(model, embed))
                    gathering = _Call()
                    # Ingest writes these while the model embeds the calls still queued.
                    while len(queued) > self.look_ahead:
                        yield from queued.popleft().results()
            queued.append(gathering.submit(model, embed))
            while queued:
                yield from queued.popleft().results()
        finally:
            # Ingest stopped early (an error, Ctrl+C): drop the queued calls, and end the running one at its next
            # slice rather than after all its texts (a process does not exit before its worker threads).
            stop.set()
            model.shutdown(wait=False, cancel_futures=True)

    def _chunk(self, articles: Sequence[Article]) -> list[tuple[Article, list[Chunk]]]:
        size, overlap = self.settings.chunk_size, self.settings.chunk_overlap
        return [(article, chunk_article(article, size, overlap)) for article in articles]


class _Call:
    """Whole batches gathered for one call of the model, and that call once submitted."""

    def __init__(self) -> None:
        # Each batch's articles with their chunks and how many of those are embedded (the opening ones).
        self.batches: list[list[tuple[Article, list[Chunk], int]]] = []
        self.texts = 0
        self._texts: list[str] = []
        self._future: Future[list[list[float]]] | None = None

    def add(self, chunked: list[tuple[Article, list[Chunk]]], settings: IndexSettings) -> None:
        batch = []
        for article, chunks in chunked:
            dense = chunks[: settings.dense_chunks]
            self._texts.extend(embedded_text(c, settings.embed_title) for c in dense)
            batch.append((article, chunks, len(dense)))
        self.batches.append(batch)
        self.texts = len(self._texts)

    def submit(self, model: ThreadPoolExecutor, embed: Callable[[list[str]], list[list[float]]]) -> _Call:
        if self.batches:
            texts, self._texts = self._texts, []  # the worker's now
            self._future = model.submit(embed, texts)
        return self

    def results(self) -> Iterator[PreparedBatch | Exception]:
        """Each batch with its vectors, in order, once the model is done; or the model's error for each batch."""
        if self._future is None:
            return
        try:
            vectors = self._future.result()
        except Exception as exc:  # noqa: BLE001 - every batch of the call goes back to ingest to retry
            for _ in self.batches:
                yield exc
            return
        cursor = 0
        for batch in self.batches:
            prepared: PreparedBatch = []
            for article, chunks, embedded in batch:
                prepared.append((article, chunks, vectors[cursor : cursor + embedded]))
                cursor += embedded
            yield prepared


class _Stopped(Exception):
    """Ingest went away while the model was embedding for it."""


def _embed_by_length(embedder: Embedder, slice_size: int, stop: threading.Event, texts: list[str]) -> list[list[float]]:
    """The vectors of ``texts``, in their order, embedded longest first in slices of ``slice_size``.

    Sorting the whole call by length, as sentence-transformers does within one call of its own, gives the model the
    same batches as one call would; the slices only let the work stop soon when ingest stops (``stop``).
    """
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    vectors: list[list[float]] = [[] for _ in texts]
    for start in range(0, len(order), slice_size):
        if stop.is_set():
            raise _Stopped
        picked = order[start : start + slice_size]
        for i, vector in zip(picked, embedder.embed_documents([texts[i] for i in picked]), strict=True):
            vectors[i] = vector
    return vectors
