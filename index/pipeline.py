"""Ingestion: load → clean → dedupe → chunk → embed → store, with a report of what happened."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from index.archive.store import ArchiveStore
from index.articles import Article
from index.chunking import Chunk, chunk_and_embed
from index.embedding import Embedder
from index.loaders import LoadProblem, load


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
) -> IngestReport:
    """Ingest every article under ``paths`` into ``store``; bad files and records are reported, not fatal.

    Re-ingesting the same files adds nothing; an article whose content changed replaces its chunks.

    Args:
        paths: files and folders (recursively), ``.gz`` read transparently.
        store: the archive to write to.
        embedder: turns chunk texts into vectors.
        progress: called with the number of records just handled (articles or failures).

    Returns:
        An IngestReport of added, updated, unchanged, duplicate and failed articles.
    """
    started = time.perf_counter()
    report = IngestReport()
    settings = store.settings
    pending: list[tuple[Article, str]] = []
    # Text hashes seen in this run, so two copies inside one batch are also caught.
    seen_text: dict[str, str] = {}
    seen_ids: dict[str, str] = {}

    def flush() -> None:
        if not pending:
            return
        # An article id read twice with different text in one batch: the later version replaces the earlier.
        latest = {article.article_id: (article, origin) for article, origin in pending}
        prepared = chunk_and_embed([a for a, _ in latest.values()], settings, embedder)
        batch: list[tuple[Article, list[Chunk], list[list[float]], str | None]] = [
            (article, chunks, vectors, origin)
            for (article, chunks, vectors), (_, origin) in zip(prepared, latest.values(), strict=True)
        ]
        store.write(batch)
        report.chunks += sum(len(chunks) for _, chunks, _ in prepared)
        report.embedded += sum(len(vectors) for _, _, vectors in prepared)
        if progress:
            progress(len(pending))
        pending.clear()

    for item in load(paths):
        if isinstance(item, LoadProblem):
            report.failed.append(IngestFailure(path=item.path, line=item.line, reason=item.reason))
            if progress:
                progress(1)
            continue
        verdict = _classify(item.article, store, seen_text, seen_ids)
        if verdict in ("unchanged", "duplicate"):
            if verdict == "unchanged":
                report.unchanged += 1
            else:
                report.duplicates += 1
            if progress:
                progress(1)
            continue
        if verdict == "updated":
            report.updated += 1
        else:
            report.added += 1
        seen_ids[item.article.article_id] = item.article.content_hash
        seen_text[item.article.text_hash] = item.article.article_id
        pending.append((item.article, item.path))
        if len(pending) >= settings.upsert_batch_size:
            flush()
    flush()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


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
