"""Ingestion: load → clean → dedupe → chunk → embed → store, with a report of what happened."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field

from index.archive.store import ArchiveStore
from index.articles import Article
from index.chunking import Chunk, chunk_and_embed
from index.embedding import Embedder
from index.errors import NewsDeskError
from index.loaders import LoadProblem
from index.settings import IndexSettings
from index.stages import LocalStages, Stages

logger = logging.getLogger(__name__)


class IngestFailure(BaseModel):
    """A file or record that was not ingested."""

    path: str
    line: int | None = None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


class IngestReport(BaseModel):
    """What one ingest run did.

    Example:
        >>> IngestReport(added=2, duplicates=1).seen
        3
    """

    added: int = Field(0, description="New articles stored.")
    updated: int = Field(0, description="Articles whose content changed; their chunks were replaced.")
    unchanged: int = Field(0, description="Articles already stored exactly as read.")
    duplicates: int = Field(0, description="Articles whose text equals one already stored (kept once).")
    failed: list[IngestFailure] = Field(default_factory=list, description="What could not be read, and why.")
    chunks: int = Field(0, description="Chunks written in this run.")
    embedded: int = Field(0, description="Of those, the chunks embedded for dense search.")
    seconds: float = Field(0.0, description="Wall time of the run.")

    @property
    def seen(self) -> int:
        """Articles read successfully, whatever happened to them."""
        return self.added + self.updated + self.unchanged + self.duplicates

    def summary(self) -> str:
        """One line for people."""
        return (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.duplicates} duplicates, {len(self.failed)} failed; {self.chunks} chunks ({self.embedded} embedded) "
            f"in {self.seconds:.1f}s"
        )


Progress = Callable[[int], None]


def ingest(
    paths: Iterable[str | Path],
    store: ArchiveStore,
    embedder: Embedder,
    *,
    progress: Progress | None = None,
    stages: Stages | None = None,
) -> IngestReport:
    """Ingest every article under ``paths`` into ``store``; bad files and records are reported, not fatal.

    Re-ingesting the same files adds nothing; an article whose content changed replaces its chunks.

    Args:
        paths: files and folders (recursively), ``.gz`` read transparently.
        store: the archive to write to.
        embedder: turns chunk texts into vectors.
        progress: called with the number of records just handled (articles or failures).
        stages: where reading, chunking and embedding run; default this process (``LocalStages``).

    Returns:
        An IngestReport of added, updated, unchanged, duplicate and failed articles.
    """
    started = time.perf_counter()
    report = IngestReport()
    settings = store.settings
    stages = stages or LocalStages(settings, embedder)
    # Text hashes seen in this run, so two copies inside one batch are also caught.
    seen_text: dict[str, str] = {}
    seen_ids: dict[str, str] = {}
    # The batches handed to the stages and not yet written, oldest first (the stages may read ahead).
    in_flight: deque[tuple[list[_Pending], int]] = deque()

    def batches() -> Iterator[list[Article]]:
        pending: list[_Pending] = []
        for item in stages.read(paths):
            if isinstance(item, LoadProblem):
                report.failed.append(IngestFailure(path=item.path, line=item.line, reason=item.reason))
                if progress:
                    progress(1)
                continue
            verdict = _classify(item.article, store, seen_text, seen_ids)
            if verdict in ("unchanged", "duplicate"):
                counter = "unchanged" if verdict == "unchanged" else "duplicates"
                setattr(report, counter, getattr(report, counter) + 1)
                if progress:
                    progress(1)
                continue
            setattr(report, verdict, getattr(report, verdict) + 1)
            seen_ids[item.article.article_id] = item.article.content_hash
            seen_text[item.article.text_hash] = item.article.article_id
            pending.append(_Pending(item.article, item.path, item.line, verdict))
            if len(pending) >= settings.upsert_batch_size:
                yield _handed_over(pending, in_flight)
                pending = []
        if pending:
            yield _handed_over(pending, in_flight)

    for result in stages.prepare(batches()):
        entries, records = in_flight.popleft()
        if isinstance(result, NewsDeskError):
            raise result
        if isinstance(result, Exception):
            prepared = _prepare(entries, settings, embedder, report, seen_text, seen_ids)
        else:
            prepared = list(zip(entries, result, strict=True))
        store.write([(article, chunks, vectors, entry.path) for entry, (article, chunks, vectors) in prepared])
        report.chunks += sum(len(chunks) for _, (_, chunks, _) in prepared)
        report.embedded += sum(len(vectors) for _, (_, _, vectors) in prepared)
        if progress:
            progress(records)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _handed_over(pending: list[_Pending], in_flight: deque[tuple[list[_Pending], int]]) -> list[Article]:
    """The articles of one batch for the stages; ingest keeps the batch, to pair it with what comes back."""
    # An article id read twice with different text in one batch: the later version replaces the earlier.
    latest = list({entry.article.article_id: entry for entry in pending}.values())
    in_flight.append((latest, len(pending)))
    return [entry.article for entry in latest]


@dataclass(frozen=True)
class _Pending:
    article: Article
    path: str
    line: int | None
    verdict: str  # "added" or "updated": undone in the report if the article cannot be chunked


Prepared = tuple[Article, list[Chunk], list[list[float]]]


def _prepare(
    entries: list[_Pending],
    settings: IndexSettings,
    embedder: Embedder,
    report: IngestReport,
    seen_text: dict[str, str],
    seen_ids: dict[str, str],
) -> list[tuple[_Pending, Prepared]]:
    """Chunk and embed a batch; if that fails, article by article, so an article that cannot be cut into passages
    is reported and costs only itself. Errors of newsdesk's own (a missing model) still stop the run."""
    try:
        return list(zip(entries, chunk_and_embed([e.article for e in entries], settings, embedder), strict=True))
    except NewsDeskError:
        raise
    except Exception as exc:  # noqa: BLE001 - retried one by one, so the failing article is named and the rest kept
        if len(entries) > 1:
            return [pair for e in entries for pair in _prepare([e], settings, embedder, report, seen_text, seen_ids)]
        entry = entries[0]
        logger.warning("%s:%s: could not cut the article into passages", entry.path, entry.line, exc_info=True)
        detail = str(exc).splitlines()[0][:160] if str(exc) else ""
        reason = f"could not cut the article into passages ({exc.__class__.__name__}: {detail}); shorten or split it"
        report.failed.append(IngestFailure(path=entry.path, line=entry.line, reason=reason))
        setattr(report, entry.verdict, getattr(report, entry.verdict) - 1)
        seen_ids.pop(entry.article.article_id, None)
        seen_text.pop(entry.article.text_hash, None)
        return []


def _classify(article: Article, store: ArchiveStore, seen_text: dict[str, str], seen_ids: dict[str, str]) -> str:
    if seen_ids.get(article.article_id) == article.content_hash:
        return "duplicate"  # the same record twice in this run's input
    stored_hash = seen_ids.get(article.article_id) or store.content_hash(article.article_id)
    if stored_hash == article.content_hash:
        return "unchanged"
    twin = seen_text.get(article.text_hash) or store.article_with_text(article.text_hash)
    if twin is not None and twin != article.article_id:
        return "duplicate"
    return "updated" if stored_hash is not None else "added"
