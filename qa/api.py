"""The public entry point: a :class:`Desk` over one archive, to ingest, search and ask.

Example:
    >>> import tempfile
    >>> from qa import Desk, Settings
    >>> settings = Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"})
    >>> desk = Desk.open(tempfile.mkdtemp(), settings, create=True)
    >>> desk.ingest([sample_archive_path()]).added
    14
    >>> desk.search("Russia condemns US strikes", k=1)[0].source
    'newsdesk sample'
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from index.articles import Article
from index.embedding import Embedder, make_embedder
from index.pipeline import IngestReport, Progress, ingest
from index.store import ArchiveStats, ArchiveStore
from qa.answer import ABSTAIN_TEXT, build_messages, format_passages, is_abstention, resolve_citations
from qa.errors import EmptyQuestionError
from qa.llm import LLM, make_llm
from qa.retrieve import Retriever, SearchFilters
from qa.sample import sample_archive_path
from qa.settings import Settings
from qa.types import Answer, Hit, Timings

__all__ = ["Desk", "sample_archive_path"]


class Desk:
    """One archive and the models that search and answer over it.

    Constructing a Desk only stores its collaborators; models load on first use.

    Args:
        store: the archive, or the folder of one that ``ingest`` will create.
        embedder: the embedding model the archive was built with.
        llm: writes answers.
        settings: retrieval and answering settings.
    """

    def __init__(self, store: ArchiveStore | Path, embedder: Embedder, llm: LLM, settings: Settings) -> None:
        self._store = store if isinstance(store, ArchiveStore) else None
        self.path = store.path if isinstance(store, ArchiveStore) else Path(store)
        self.embedder = embedder
        self.llm = llm
        self.settings = settings

    @property
    def store(self) -> ArchiveStore:
        """The archive on disk.

        Raises:
            ArchiveNotFoundError: nothing has been ingested at this path yet.
        """
        if self._store is None:
            self._store = ArchiveStore(self.path, self.settings.index)
        return self._store

    @property
    def retriever(self) -> Retriever:
        """Hybrid retrieval over the archive."""
        return Retriever(self.store, self.embedder, self.settings.retrieval)

    @classmethod
    def open(cls, path: str | Path | None = None, settings: Settings | None = None, *, create: bool = False) -> Desk:
        """Open the archive at ``path`` (default: ``settings.archive``, i.e. ``~/.newsdesk`` or NEWSDESK_ARCHIVE).

        A missing archive is created by the first ``ingest``; searching it before then raises
        ArchiveNotFoundError.

        Args:
            path: the archive folder.
            settings: all settings; read from the environment when omitted.
            create: create the (empty) archive now rather than on first ingest.
        """
        settings = settings or Settings()
        archive = Path(path).expanduser() if path is not None else settings.archive
        store: ArchiveStore | Path = archive
        if create or ArchiveStore.exists(archive):
            store = ArchiveStore(archive, settings.index, create=create)
        embedder = make_embedder(settings.index.embedding_model, settings.index.embed_batch_size)
        return cls(store, embedder, make_llm(settings.llm, settings.cache_dir), settings)

    def ingest(self, paths: Iterable[str | Path], *, progress: Progress | None = None) -> IngestReport:
        """Ingest files and folders (JSON, JSONL, CSV, HTML, RSS/Atom, text, Markdown; ``.gz`` too).

        Bad files and records are listed in the report; everything valid is still ingested.
        """
        if self._store is None:
            self._store = ArchiveStore(self.path, self.settings.index, create=True)
        return ingest(paths, self._store, self.embedder, progress=progress)

    def search(
        self,
        query: str,
        *,
        k: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        sources: Iterable[str] | None = None,
        metadata: dict[str, str | int | float | bool] | None = None,
        as_of: datetime | None = None,
    ) -> list[Hit]:
        """Passages for ``query``, best first; an empty list when nothing passes the filters.

        Args:
            query: what to look for.
            k: how many passages (default ``settings.answer.top_k``).
            since: earliest publication time.
            until: latest publication time.
            sources: publishers to keep (case-insensitive).
            metadata: article fields that must equal these values (e.g. ``{"topics": "cocoa"}``).
            as_of: the query's "now" (default: now); later articles are never returned, and relative
                words in the query ("this week", "in June 2022") are read against it.

        Raises:
            EmptyQuestionError: the query is blank.
            EmptyIndexError: nothing has been ingested.
        """
        query = _require_text(query)
        self.store.require_articles()
        filters = SearchFilters(
            since=since,
            until=until,
            sources=tuple(sources or ()),
            metadata=metadata or {},
            as_of=as_of or datetime.now(timezone.utc),
        )
        return self.retriever.search(query, k or self.settings.answer.top_k, filters)

    def ask(
        self,
        question: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        sources: Iterable[str] | None = None,
        metadata: dict[str, str | int | float | bool] | None = None,
        as_of: datetime | None = None,
    ) -> Answer:
        """Answer ``question`` from the archive, citing passages with [n]; abstain when they do not answer it.

        Raises:
            EmptyQuestionError: the question is blank.
            EmptyIndexError: nothing has been ingested.
            LLMError: the language model failed.
        """
        question = _require_text(question)
        as_of = as_of or datetime.now(timezone.utc)
        started = time.perf_counter()
        hits = self.search(question, since=since, until=until, sources=sources, metadata=metadata, as_of=as_of)
        retrieve_ms = (time.perf_counter() - started) * 1000
        cfg = self.settings.answer
        answer = functools.partial(Answer, question=question, hits=hits, as_of=as_of, model=self.llm.name)
        abstain = functools.partial(answer, text=ABSTAIN_TEXT, abstained=True)
        if not hits:
            window = SearchFilters(
                since=since, until=until, sources=tuple(sources or ()), metadata=metadata or {}, as_of=as_of
            )
            return abstain(
                reason=f"no articles match the filters ({window.describe()})", timings=Timings(retrieve_ms=retrieve_ms)
            )
        closeness = max((h.dense_score for h in hits if h.dense_score is not None), default=None)
        if closeness is None or closeness < cfg.min_similarity:
            best = f"{closeness:.2f}" if closeness is not None else "none"
            return abstain(
                reason=f"no passage is close enough to the question (best similarity {best} < {cfg.min_similarity})",
                timings=Timings(retrieve_ms=retrieve_ms),
            )
        passages = format_passages(hits[: cfg.context_passages], cfg.max_context_tokens)
        started = time.perf_counter()
        completion = self.llm.complete(build_messages(question, passages), max_tokens=self.settings.llm.max_tokens)
        timings = Timings(
            retrieve_ms=retrieve_ms,
            generate_ms=(time.perf_counter() - started) * 1000,
            prompt_tokens=completion.prompt_tokens,
            completion_tokens=completion.completion_tokens,
        )
        if is_abstention(completion.text):
            return abstain(reason="the passages retrieved do not answer the question", timings=timings)
        text, citations = resolve_citations(completion.text, passages)
        if not citations:
            return abstain(
                reason=f"the model's answer could not be tied to any passage: {completion.text[:200]!r}",
                timings=timings,
            )
        return answer(text=text, citations=citations, timings=timings)

    def stats(self) -> ArchiveStats:
        """Articles, chunks, date range and sources of the archive."""
        return self.store.stats()

    def article(self, article_id: str) -> Article | None:
        """The full stored article, e.g. to open a citation."""
        return self.store.article(article_id)

    def close(self) -> None:
        """Release the archive's files."""
        if self._store is not None:
            self._store.close()


def _require_text(question: str) -> str:
    if not isinstance(question, str) or not question.strip():
        raise EmptyQuestionError("the question is empty; ask something, e.g. 'What has Russia said about US strikes?'")
    return question.strip()
