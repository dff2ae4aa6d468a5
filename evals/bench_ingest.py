"""How fast ingest goes next to the embedding model alone: ingest a file into a fresh archive, then time the model on
the very texts ingest embedded, in the same process (same model, batch size and torch threads), and compare.

Embedding is nearly all of ingest's work, so the model's own rate is the ceiling; ``ingest_vs_raw_ratio`` says how
close ingest comes to it. The model's call is one ``embed_documents`` over the whole sample, which sentence-transformers
sorts by length before batching: the least padding any ingest could get, so the ratio is, if anything, understated.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import random
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from pydantic import BaseModel, Field

from evals.bench import SearchBenchmark, benchmark_search, peak_rss_mb, read_queries
from index.archive.lexical import LEXICAL_DIR
from index.archive.manifest import MANIFEST
from index.archive.vectors import CHROMA_DIR
from index.embedding import Embedder, torch_threads
from index.loaders import Loaded, LoadProblem
from index.settings import IndexSettings
from index.stages import LocalStages
from qa.desk import Desk
from qa.settings import Settings

# Texts re-encoded to time the model: enough for a steady rate, few enough not to double a long benchmark.
RAW_SAMPLE = 4096


class IngestBenchmark(BaseModel):
    """One ingest of a file into a fresh archive, timed next to the embedding model alone."""

    file: str
    read: int = Field(description="Records read (articles and unreadable records).")
    articles: int = Field(description="Articles stored.")
    duplicates: int = Field(description="Articles dropped as copies of one already read.")
    failed: int = Field(description="Records that could not be ingested.")
    chunks: int = Field(description="Chunks stored (all in the lexical index).")
    embedded_chunks: int = Field(description="Of those, the chunks embedded for dense search.")
    seconds: float = Field(description="Wall time of the ingest, model already loaded.")
    articles_per_s: float
    chunks_per_s: float
    embedded_per_s: float = Field(description="Embedded chunks per second: ingest's rate in the model's unit.")
    model: str
    embed_batch_size: int
    torch_threads: int | None = Field(description="Threads torch computed with (None: no torch model).")
    model_load_seconds: float = Field(description="Loading the model before the clock started.")
    model_busy_seconds: float = Field(description="Time ingest's calls of the model took.")
    raw_texts: int = Field(description="Texts ingest embedded that the model then encoded alone (a random sample).")
    raw_seconds: float
    raw_texts_per_s: float | None = Field(description="The model's own rate on those texts, same batch and threads.")
    ingest_vs_raw_ratio: float | None = Field(description="embedded_per_s / raw_texts_per_s.")
    cpu_seconds: float = Field(description="CPU time of this process (all threads) during the ingest.")
    raw_cpu_seconds: float = Field(description="CPU time of this process while the model encoded alone.")
    ingest_vs_raw_cpu_ratio: float | None = Field(
        description="The same ratio in CPU time: texts per CPU second in ingest over texts per CPU second of the model "
        "alone. Other programs' load slows wall time, hardly CPU time, so on a shared machine this one is steadier."
    )
    ingest_peak_rss_mb: float = Field(description="Peak resident memory of this process when ingest ended.")
    peak_rss_mb: float = Field(description="Peak resident memory of this process over the whole benchmark.")
    index_mb: dict[str, float] = Field(description="Archive size on disk, per part (manifest, lexical, chroma) "
                                                   "and in total (the whole folder).")
    load_average: tuple[float, float] = Field(description="1-minute load average of the machine before and after.")
    search: SearchBenchmark | None = None


Progress = Callable[[int], None]


def benchmark_ingest(
    articles: Path,
    settings: Settings,
    *,
    questions: Path | None = None,
    limit: int | None = None,
    k: int = 10,
    raw_sample: int = RAW_SAMPLE,
    progress: Progress | None = None,
    workdir: Path | None = None,
    keep: Path | None = None,
) -> IngestBenchmark:
    """Ingest ``articles`` into a new temporary archive, time the model alone on the texts it embedded, measure the
    archive on disk and, given ``questions``, search latency over it; the archive is deleted afterwards, unless kept.

    Args:
        articles: a file (or folder) ingest reads.
        settings: the settings to ingest with; the archive is always a new embedded one (no servers).
        questions: queries for ``evals.bench.benchmark_search`` over the new archive.
        limit: ingest only the first ``limit`` records.
        k: passages per search.
        raw_sample: how many of the embedded texts the model encodes alone.
        progress: called with the number of records handled, as ingest goes.
        workdir: where the temporary archive goes (default: the system's temporary folder).
        keep: build the archive in this new folder instead, and keep it (to search or copy it afterwards).

    Raises:
        FileExistsError: ``keep`` exists and is not an empty folder.
    """
    load_before = os.getloadavg()[0]
    with _archive_folder(workdir, keep) as folder:
        local_index = settings.index.model_copy(update={"chroma_host": None, "database_url": None})
        settings = settings.model_copy(update={"archive": folder, "index": local_index})
        desk = Desk.open(folder, settings, create=True)
        started = time.perf_counter()
        desk.embedder.embed_documents(["Warm-up."])  # loads the model, which ingest would otherwise time
        load_seconds = time.perf_counter() - started
        recording = _Recording(desk.embedder, raw_sample)
        stages = _FirstRecords(local_index, recording, limit)
        desk.embedder = recording
        started, cpu_started = time.perf_counter(), time.process_time()
        report = desk.ingest([articles], progress=progress, stages=stages)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        ingest_peak = peak_rss_mb()
        threads = torch_threads()
        sample = recording.sample
        started, cpu_started = time.perf_counter(), time.process_time()
        recording.inner.embed_documents(sample)  # one call: sorted by length over the whole sample
        raw_seconds, raw_cpu = time.perf_counter() - started, time.process_time() - cpu_started
        desk.embedder = recording.inner
        desk.store.close()  # SQLite folds its write-ahead log into the file: the size a reader finds
        index_mb = _sizes(folder)
        search = benchmark_search(Desk.open(folder, settings), read_queries(questions), k=k) if questions else None
    embedded_rate = report.embedded / seconds if seconds else 0.0
    raw_rate = len(sample) / raw_seconds if sample and raw_seconds else None
    return IngestBenchmark(
        file=str(articles),
        read=report.seen + len(report.failed),
        articles=report.added + report.updated,
        duplicates=report.duplicates,
        failed=len(report.failed),
        chunks=report.chunks,
        embedded_chunks=report.embedded,
        seconds=round(seconds, 2),
        articles_per_s=_rate(report.added + report.updated, seconds),
        chunks_per_s=_rate(report.chunks, seconds),
        embedded_per_s=round(embedded_rate, 2),
        model=recording.name,
        embed_batch_size=local_index.embed_batch_size,
        torch_threads=threads,
        model_load_seconds=round(load_seconds, 2),
        model_busy_seconds=round(recording.busy, 2),
        raw_texts=len(sample),
        raw_seconds=round(raw_seconds, 2),
        raw_texts_per_s=round(raw_rate, 2) if raw_rate else None,
        ingest_vs_raw_ratio=round(embedded_rate / raw_rate, 3) if raw_rate else None,
        cpu_seconds=round(cpu_seconds, 2),
        raw_cpu_seconds=round(raw_cpu, 2),
        ingest_vs_raw_cpu_ratio=(
            round((report.embedded / cpu_seconds) / (len(sample) / raw_cpu), 3) if sample and raw_cpu and cpu_seconds
            else None
        ),
        ingest_peak_rss_mb=ingest_peak,
        peak_rss_mb=peak_rss_mb(),
        index_mb=index_mb,
        load_average=(round(load_before, 2), round(os.getloadavg()[0], 2)),
        search=search,
    )


@contextlib.contextmanager
def _archive_folder(workdir: Path | None, keep: Path | None) -> Iterator[Path]:
    if keep is None:
        with tempfile.TemporaryDirectory(prefix="newsdesk-bench-", dir=workdir) as scratch:
            yield Path(scratch) / "archive"
        return
    if keep.exists() and (not keep.is_dir() or any(keep.iterdir())):
        raise FileExistsError(f"{keep} already exists and is not an empty folder; name a new folder to keep it in")
    yield keep


class _Recording:
    """The embedder ingest uses, keeping a uniform random sample of the texts it embeds (bounded, whatever the
    archive's size) and the time its calls take."""

    def __init__(self, inner: Embedder, size: int) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.sample: list[str] = []
        self.busy = 0.0
        self._size = size
        self._seen = 0
        self._random = random.Random(0)
        # Ingest's retry of a failed batch embeds in its own thread while the stages' thread may be embedding.
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        started = time.perf_counter()
        vectors = self.inner.embed_documents(texts)
        with self._lock:
            self.busy += time.perf_counter() - started
            for text in texts:  # reservoir sampling (Algorithm R)
                self._seen += 1
                if len(self.sample) < self._size:
                    self.sample.append(text)
                elif (slot := self._random.randrange(self._seen)) < self._size:
                    self.sample[slot] = text
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


class _FirstRecords(LocalStages):
    """This process's stages, reading only the first ``limit`` records (all of them when None)."""

    def __init__(self, settings: IndexSettings, embedder: Embedder, limit: int | None) -> None:
        super().__init__(settings, embedder)
        self.limit = limit

    def read(self, paths: Iterable[str | Path]) -> Iterator[Loaded | LoadProblem]:
        return itertools.islice(super().read(paths), self.limit)


def _sizes(folder: Path) -> dict[str, float]:
    parts = {
        "manifest": [p for p in folder.glob(f"{MANIFEST}*")],  # with its -wal and -shm files, if any are left
        "lexical": [folder / LEXICAL_DIR],
        "chroma": [folder / CHROMA_DIR],
        "total": [folder],
    }
    return {name: round(sum(_disk_bytes(p) for p in paths) / 2**20, 2) for name, paths in parts.items()}


def _disk_bytes(path: Path) -> int:
    # What the files take on disk, as du counts it (allocated blocks), not the sum of their lengths.
    if path.is_file():
        return path.stat().st_blocks * 512
    return sum(p.stat().st_blocks * 512 for p in path.rglob("*") if p.is_file())


def _rate(count: int, seconds: float) -> float:
    return round(count / seconds, 2) if seconds else 0.0
