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
        store: the archive.
        embedder: the embedding model the archive was built with.
        llm: writes answers.
        settings: retrieval and answering settings.
    """

    def __init__(self, store: ArchiveStore, embedder: Embedder, llm: LLM, settings: Settings) -> None:
        self.store = store
        self.embedder = embedder
        self.llm = llm
        self.settings = settings
        self.retriever = Retriever(store, embedder)

    @classmethod
    def open(cls, path: str | Path | None = None, settings: Settings | None = None, *, create: bool = False) -> Desk:
        """Open the archive at ``path`` (default: ``settings.archive``, i.e. ``~/.newsdesk`` or NEWSDESK_ARCHIVE).

        Args:
            path: the archive folder.
            settings: all settings; read from the environment when omitted.
            create: create the archive if it does not exist (ingest does this for you).

        Raises:
            ArchiveNotFoundError: no archive at ``path`` and ``create`` is false.
        """
        settings = settings or Settings()
        archive = Path(path).expanduser() if path is not None else settings.archive
        store = ArchiveStore(archive, settings.index, create=create)
        embedder = make_embedder(settings.index.embedding_model, settings.index.embed_batch_size)
        return cls(store, embedder, make_llm(settings.llm, settings.cache_dir), settings)

    def ingest(self, paths: Iterable[str | Path], *, progress: Progress | None = None) -> IngestReport:
        """Ingest files and folders (JSON, JSONL, CSV, HTML, RSS/Atom, text, Markdown; ``.gz`` too).

        Bad files and records are listed in the report; everything valid is still ingested.
        """
        return ingest(paths, self.store, self.embedder, progress=progress)

    def search(
        self,
        query: str,
        *,
        k: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        sources: Iterable[str] | None = None,
        as_of: datetime | None = None,
    ) -> list[Hit]:
        """Passages for ``query``, best first.

        Raises:
            EmptyQuestionError: the query is blank.
            EmptyIndexError: nothing has been ingested.
        """
        query = _require_text(query)
        self.store.require_articles()
        filters = SearchFilters(since=since, until=until, sources=tuple(sources or ()), as_of=as_of)
        return self.retriever.search(query, k or self.settings.answer.top_k, filters)

    def ask(
        self,
        question: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        sources: Iterable[str] | None = None,
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
        hits = self.search(question, since=since, until=until, sources=sources, as_of=as_of)
        retrieve_ms = (time.perf_counter() - started) * 1000
        cfg = self.settings.answer
        closeness = max((h.dense_score for h in hits if h.dense_score is not None), default=None)
        if closeness is None or closeness < cfg.min_similarity:
            best = f"{closeness:.2f}" if closeness is not None else "none"
            return Answer(
                question=question,
                text=ABSTAIN_TEXT,
                hits=hits,
                abstained=True,
                as_of=as_of,
                reason=f"no passage is close enough to the question (best similarity {best} < {cfg.min_similarity})",
                timings=Timings(retrieve_ms=retrieve_ms),
                model=self.llm.name,
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
            return Answer(
                question=question,
                text=ABSTAIN_TEXT,
                hits=hits,
                abstained=True,
                as_of=as_of,
                timings=timings,
                reason="the passages retrieved do not answer the question",
                model=self.llm.name,
            )
        text, citations = resolve_citations(completion.text, passages)
        if not citations:
            return Answer(
                question=question,
                text=ABSTAIN_TEXT,
                hits=hits,
                abstained=True,
                as_of=as_of,
                timings=timings,
                reason=f"the model's answer could not be tied to any passage: {completion.text[:200]!r}",
                model=self.llm.name,
            )
        return Answer(
            question=question,
            text=text,
            citations=citations,
            hits=hits,
            as_of=as_of,
            timings=timings,
            model=self.llm.name,
        )

    def stats(self) -> ArchiveStats:
        """Articles, chunks, date range and sources of the archive."""
        return self.store.stats()

    def article(self, article_id: str) -> Article | None:
        """The full stored article, e.g. to open a citation."""
        return self.store.article(article_id)

    def close(self) -> None:
        """Release the archive's files."""
        self.store.close()


def _require_text(question: str) -> str:
    if not isinstance(question, str) or not question.strip():
        raise EmptyQuestionError("the question is empty; ask something, e.g. 'What has Russia said about US strikes?'")
    return question.strip()
