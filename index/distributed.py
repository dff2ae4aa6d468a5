"""Ingest's heavy work on a Ray cluster: :class:`RayStages`, the stages behind ``newsdesk ingest --ray``.

Each file is read by a Ray task of its own, which streams its records back in groups; batches of articles are cut
and embedded by a pool of actors, each loading the embedding model once. ``index.pipeline.ingest`` still decides
what is new, writes and reports in the calling process (the driver), so the report, the dedupe and the manifest are
exactly those of a single-process ingest.

Ray is optional (``pip install 'newsdesk[ray]'``) and imported only when a cluster is used (``index.cluster``). On
a cluster of several machines, every node needs newsdesk installed, and must see the input files at the same paths
(shared storage).
"""

from __future__ import annotations

import contextlib
import dataclasses
import socket
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from index.articles import Article
from index.chunking import Chunk, chunk_and_embed
from index.cluster import brief, ray_session
from index.embedding import Embedder, make_embedder
from index.errors import ClusterError, InvalidArgumentError
from index.loaders import Loaded, LoadProblem, discover, load_file
from index.settings import IndexSettings
from index.stages import PreparedBatch

__all__ = ["RayStages", "ray_session"]


class RayStages:
    """Ingest's stages on a Ray cluster (see :class:`index.stages.Stages`): files read by Ray tasks, batches cut and
    embedded by a pool of actors, results handed back in order.

    Use it as a context manager: it connects (or starts a cluster) on entry and, on exit, stops its workers and the
    cluster it started::

        with RayStages(desk.settings.index) as stages:
            report = desk.ingest(paths, stages=stages)

    Args:
        settings: how articles are chunked and embedded (the archive's settings).
        address: the cluster, as for :func:`ray_session`: ``None`` starts one on this machine.
        embedder: the model the workers embed with; each gets a copy (it must pickle: the bundled MiniLM loads its
            weights on the worker, once per worker). Default: ``settings.embedding_model``.
        workers: embedding actors, one CPU each (default: the CPUs the cluster has free).
        num_cpus: CPUs of a new local cluster (default: all).
        temp_dir: where a new local cluster keeps its files (default Ray's).
        files_in_flight: files read at once (default: twice the workers).
        batches_in_flight: batches handed to the workers at once (default: twice the workers, so each has the next
            batch queued while it embeds one).
        group: records per message a reading task streams back; with at most four unread messages per file, a file
            of any size holds only a few thousand records in memory.
        start_timeout: seconds to wait for the workers to get a CPU each and start.

    Raises:
        ClusterError: Ray is not installed, the cluster could not be reached, or its workers could not start.
    """

    def __init__(
        self,
        settings: IndexSettings,
        address: str | None = None,
        *,
        embedder: Embedder | None = None,
        workers: int | None = None,
        num_cpus: int | None = None,
        temp_dir: str | Path | None = None,
        files_in_flight: int | None = None,
        batches_in_flight: int | None = None,
        group: int = 256,
        start_timeout: float = 120.0,
    ) -> None:
        for name, value in (("workers", workers), ("files_in_flight", files_in_flight),
                            ("batches_in_flight", batches_in_flight), ("group", group)):
            if value is not None and value < 1:
                raise InvalidArgumentError(f"{name} must be at least 1, got {value}")
        self.settings = settings
        self.address = address
        # Made here, so an unknown model name fails now, in this process, rather than on every worker.
        self.embedder = embedder or make_embedder(settings.embedding_model, settings.embed_batch_size)
        self._workers_wanted = workers
        self._cluster = {"num_cpus": num_cpus, "temp_dir": temp_dir}
        self._files_in_flight = files_in_flight
        self._batches_in_flight = batches_in_flight
        self.group = group
        self.start_timeout = start_timeout
        self._ray: Any = None
        self._session: contextlib.ExitStack | None = None
        self._workers: list[Any] = []
        self._read_task: Any = None

    def __enter__(self) -> RayStages:
        self._connect()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def workers(self) -> int:
        """The embedding actors (0 before connecting)."""
        return len(self._workers)

    def read(self, paths: Iterable[str | Path]) -> Iterator[Loaded | LoadProblem]:
        """Every article under ``paths`` in the order :func:`index.loaders.load` gives, read on the cluster.

        A file whose task fails part-way ends with one problem; the records before it are kept.
        """
        ray = self._connect()
        files_in_flight = self._files_in_flight or 2 * self.workers
        # Discovery order, with the problems of bad paths in place; up to files_in_flight files are being read.
        window: deque[LoadProblem | tuple[str, Any]] = deque()
        try:
            for found in discover(paths):
                if isinstance(found, LoadProblem):
                    window.append(found)
                else:
                    task = self._read_task.remote(str(found.absolute()), str(found), self.group)
                    window.append((str(found), task))
                if len(window) >= files_in_flight:
                    yield from self._received(window[0])
                    window.popleft()
            while window:
                yield from self._received(window[0])
                window.popleft()
        finally:
            # Stopped early (an error of the run, Ctrl+C): files still streaming are abandoned.
            for entry in window:
                if isinstance(entry, tuple):
                    _cancel(ray, entry[1])

    def _received(self, entry: LoadProblem | tuple[str, Any]) -> Iterator[Loaded | LoadProblem]:
        if isinstance(entry, LoadProblem):
            yield entry
            return
        label, stream = entry
        line: int | None = None
        try:
            for ref in stream:
                for item in self._ray.get(ref):
                    line = item.line
                    yield item
        except self._ray.exceptions.RayError as exc:
            reason = f"reading stopped on the Ray cluster ({brief(exc)}); the rest of the file was skipped"
            yield LoadProblem(label, line, reason)

    def prepare(self, batches: Iterable[Sequence[Article]]) -> Iterator[PreparedBatch | Exception]:
        """Each batch cut and embedded by a worker, in order; a batch that fails yields its exception.

        Up to ``batches_in_flight`` batches are handed out before the first comes back, so ingest has judged them
        before it learns that an article in an earlier one failed. That changes a report only when a later copy of
        the failed article follows within those batches: counted a duplicate (same text) or an update (same id),
        where one process, which hands out the next batch only then, counts it failed or added.
        """
        ray = self._connect()
        batches_in_flight = self._batches_in_flight or 2 * self.workers
        pending: deque[tuple[Sequence[Article], Any]] = deque()
        handed = 0
        incoming = iter(batches)
        try:
            while True:
                while len(pending) < batches_in_flight and (batch := next(incoming, None)) is not None:
                    # Taking turns is as good as picking the idlest worker: results are awaited in order, and
                    # batches are of one size.
                    worker = self._workers[handed % len(self._workers)]
                    pending.append((batch, worker.prepare.remote(list(batch))))
                    handed += 1
                if not pending:
                    return
                batch, ref = pending.popleft()
                yield self._prepared(batch, ref)
        finally:
            for _, ref in pending:
                _cancel(ray, ref)

    def _prepared(self, batch: Sequence[Article], ref: Any) -> PreparedBatch | Exception:
        errors = self._ray.exceptions
        try:
            value = self._ray.get(ref)
        except errors.RayTaskError as exc:
            return exc.cause if isinstance(exc.cause, Exception) else exc
        except errors.RayError as exc:  # the worker died (it is restarted); ingest retries the batch here
            return exc
        if isinstance(value, Exception):
            return value
        # The workers send back only what they made; the articles are the driver's own.
        return [(article, chunks, vectors) for article, (chunks, vectors) in zip(batch, value, strict=True)]

    def _connect(self) -> Any:
        """Connect (or start the cluster) and start the workers, once."""
        if self._ray is not None:
            return self._ray
        session = contextlib.ExitStack()
        try:
            ray = session.enter_context(ray_session(self.address, **self._cluster))
            self._read_task = ray.remote(
                num_cpus=0, num_returns="streaming", _generator_backpressure_num_objects=4, max_retries=0
            )(_read_file)
            self._workers = _start_workers(ray, self._workers_wanted, self.settings, self.embedder, self.start_timeout)
        except BaseException:
            self._workers = []
            session.close()
            raise
        self._ray, self._session = ray, session
        return ray

    def close(self) -> None:
        """Stop the workers, and the cluster if this started it (a no-op if never connected)."""
        if self._session is None:
            return
        for worker in self._workers:
            with contextlib.suppress(Exception):  # already gone is as good as stopped
                self._ray.kill(worker)
        self._workers = []
        self._ray = None
        session, self._session = self._session, None
        session.close()


def _start_workers(
    ray: Any, wanted: int | None, settings: IndexSettings, embedder: Embedder, timeout: float
) -> list[Any]:
    # Reading tasks ask for no CPU (their number is bounded by files_in_flight instead), so workers holding every
    # CPU can never starve the reading that feeds them.
    count = wanted or max(1, int(ray.available_resources().get("CPU", 1)))
    # A worker that dies (out of memory on a huge batch) comes back; its batch is retried in the driver.
    actor = ray.remote(num_cpus=1, max_restarts=2)(_Worker)
    workers = [actor.remote(settings, embedder) for _ in range(count)]
    probes = [worker.ready.remote() for worker in workers]
    try:
        # A worker waits for a free CPU without end: say so rather than hang when the cluster has too few.
        _, waiting = ray.wait(probes, num_returns=count, timeout=timeout)
        if waiting:
            raise ClusterError(
                f"{len(waiting)} of {count} Ray workers did not start within {timeout:.0f}s; each needs a CPU of its "
                "own: ask for fewer workers, or wait for the cluster's other work to end"
            )
        ray.get(probes)
    except BaseException as exc:
        for worker in workers:
            ray.kill(worker)
        if isinstance(exc, ray.exceptions.RayError):
            raise ClusterError(
                f"the Ray workers could not start ({brief(exc)}); every node needs newsdesk installed "
                "(pip install 'newsdesk[ray]')"
            ) from exc
        raise
    for worker in workers:
        worker.warm.remote()
    return workers


def _read_file(path: str, label: str, group: int) -> Iterator[list[Loaded | LoadProblem]]:
    """(A Ray task.) The records of one file in groups of ``group``, named by ``label``, the driver's path."""
    file = Path(path)
    if not file.exists():
        reason = (f"not found on Ray node {socket.gethostname()}; every node must see the input files at the same "
                  "path (shared storage)")
        yield [LoadProblem(label, None, reason)]
        return
    items: list[Loaded | LoadProblem] = []
    for item in load_file(file):
        items.append(dataclasses.replace(item, path=label))
        if len(items) >= group:
            yield items
            items = []
    if items:
        yield items


class _Worker:
    """(A Ray actor.) Cuts and embeds batches of articles with one embedder, loaded once for the actor's life."""

    def __init__(self, settings: IndexSettings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder

    def ready(self) -> str:
        return socket.gethostname()

    def warm(self) -> None:
        # Loads the tokenizer and the model while the driver reads the first batch. A failure here is not lost:
        # it happens again, and is reported, on the first real batch.
        with contextlib.suppress(Exception):
            chunk_and_embed([Article(article_id="warm-up", text="Warm up.")], self.settings, self.embedder)

    def prepare(self, articles: list[Article]) -> list[tuple[list[Chunk], list[list[float]]]] | Exception:
        try:
            return [(chunks, vectors) for _, chunks, vectors in chunk_and_embed(articles, self.settings, self.embedder)]
        except Exception as exc:  # noqa: BLE001 - returned, not raised: the driver gets the exception itself, not
            return exc  # Ray's wrapper of it, and retries the batch one article at a time to name the one at fault


def _cancel(ray: Any, ref: Any) -> None:
    with contextlib.suppress(Exception):  # finished already, or the cluster is going away: nothing to stop
        ray.cancel(ref)
