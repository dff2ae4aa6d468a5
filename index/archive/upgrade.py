"""Re-cleaning an archive's stored articles with the current rules of :mod:`index.cleaning` (the step up to format 3).

Archives built before bylines, datelines and page furniture were removed hold them in their text, where they read
as news: "Who won Colombia's presidential election?" was answered with the byline's reporter. The stored text is
all a migration needs (the files an archive was built from may be long gone), so opening such an archive cleans it
in place rather than asking for a re-ingest: each article is cleaned exactly as ingest now cleans a record, and an
article whose text changed is re-chunked and its opening chunks re-embedded. On the RealTimeQA archive 78% of the
articles change (most CNN pages open with a dateline): ~8,200 chunks to embed, about 6 minutes at the ~22 chunks/s of
an idle two-core machine, and about 45 minutes for the 26,000-article archive.

It is safe to interrupt. Each batch is written like an ingest batch (vectors, lexical index, then the manifest in
one transaction that also records the article as clean), so a re-run finds the articles still to do in the manifest
and carries on from there; the archive records its new format only when none is left. Progress goes to the log, as
the library never prints.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from index.archive.manifest import Manifest
from index.articles import Article
from index.chunking import Chunk, chunk_and_embed
from index.cleaning import CLEANING_VERSION, as_stored
from index.embedding import Embedder
from index.settings import IndexSettings

logger = logging.getLogger(__name__)

# How often a long re-cleaning reports how far it has got.
PROGRESS_SECONDS = 10.0
LOCK_FILE = "upgrade.lock"

Write = Callable[[Sequence[tuple[Article, list[Chunk], list[list[float]], str | None]]], None]


@dataclass(frozen=True)
class RecleanReport:
    """What one re-cleaning did."""

    articles: int = 0
    changed: int = 0
    embedded: int = 0
    seconds: float = 0.0


def reclean_articles(
    path: Path, manifest: Manifest, write: Write, settings: IndexSettings, embedder: Callable[[], Embedder]
) -> RecleanReport:
    """Clean every stored article that was cleaned with older rules than ``CLEANING_VERSION``.

    Args:
        path: the archive folder (for the log and the lock that keeps two processes from doing this at once).
        manifest: the archive's manifest, which says which articles are still to clean.
        write: stores a batch of (article, chunks, vectors, origin) like an ingest batch (``ArchiveStore.write``).
        settings: the archive's chunking and embedding settings.
        embedder: makes the archive's embedder; called only if some article's text changes.

    Returns:
        How many articles were examined and changed, and how many chunks were re-embedded.
    """
    with _exclusive(path):
        # Read after taking the lock: another process may have done some or all of the work meanwhile.
        pending = manifest.cleaned_before(CLEANING_VERSION)
        if not pending:
            return RecleanReport()
        logger.warning(
            "upgrading archive %s: removing bylines, datelines and page furniture and dating photo galleries by their "
            "captions in %d stored articles, re-embedding those that change (once; safe to interrupt, it resumes "
            "where it stopped)", path, len(pending),
        )
        return _reclean(path, pending, manifest, write, settings, embedder)


def _reclean(
    path: Path, pending: list[str], manifest: Manifest, write: Write, settings: IndexSettings,
    make_embedder: Callable[[], Embedder],
) -> RecleanReport:
    started = last_report = time.perf_counter()
    embedder: Embedder | None = None
    changed = embedded = done = 0
    size = settings.upsert_batch_size
    for start in range(0, len(pending), size):
        dirty: list[tuple[Article, str | None]] = []
        clean: list[str] = []
        for article_id in pending[start : start + size]:
            stored = manifest.article(article_id)
            if stored is None:
                continue
            cleaned = as_stored(stored)
            if cleaned is stored:
                clean.append(article_id)
            else:
                dirty.append((cleaned, manifest.origin(article_id)))
        if dirty:
            embedder = embedder or make_embedder()
            prepared = chunk_and_embed([a for a, _ in dirty], settings, embedder)
            origins = [origin for _, origin in dirty]
            write([(a, cs, vs, origin) for (a, cs, vs), origin in zip(prepared, origins, strict=True)])
            embedded += sum(len(vectors) for _, _, vectors in prepared)
        manifest.mark_cleaned(clean, CLEANING_VERSION)
        changed += len(dirty)
        done = min(start + size, len(pending))
        now = time.perf_counter()
        if now - last_report >= PROGRESS_SECONDS and done < len(pending):
            rate = done / (now - started)
            logger.warning(
                "upgrading archive %s: %d of %d articles cleaned (%d changed, %d chunks re-embedded), ~%.0f s left",
                path, done, len(pending), changed, embedded, (len(pending) - done) / rate,
            )
            last_report = now
    seconds = round(time.perf_counter() - started, 1)
    logger.warning(
        "upgraded archive %s: %d articles cleaned, %d changed, %d chunks re-embedded in %.1f s",
        path, done, changed, embedded, seconds,
    )
    return RecleanReport(articles=done, changed=changed, embedded=embedded, seconds=seconds)


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    # Two processes opening the same old archive (a server and a CLI) must not clean it at once: the second waits,
    # then finds nothing left to do.
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with (Path(path) / LOCK_FILE).open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.warning("archive %s is being upgraded by another process; waiting for it to finish", path)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
