"""The systems an eval compares, built on demand from one shared :class:`EvalContext`."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.archives import BuildInfo, open_llamaindex_index, open_newsdesk_archive
from evals.datasets import ArticleSet
from evals.systems.base import AnswerRecord, CitationRecord, RecordingLLM, Retrieval, System
from qa.desk import Desk
from qa.errors import InvalidArgumentError
from qa.llm.backends import make_llm
from qa.llm.base import LLM
from qa.settings import Settings

logger = logging.getLogger(__name__)

SYSTEM_NAMES = ("newsdesk", "llamaindex-default", "bm25", "newsrag")
DESCRIPTIONS = {
    "newsdesk": "Desk.search(k=10, as_of) / Desk.ask_stream(as_of) over an archive built by Desk.ingest",
    "llamaindex-default": "VectorStoreIndex + ChromaVectorStore, default SentenceSplitter, MiniLM; "
    "as_retriever(similarity_top_k=10) / as_query_engine() (top 2); no dates",
    "bm25": "bm25s BM25 over newsdesk's chunks (title + text), top 10; retrieval only; no dates",
    "newsrag": "newsrag 0.6.4 NewsroomRAG(recency_half_life_days=7), lexical; search/ask(as_of, before)",
}

__all__ = [
    "SYSTEM_NAMES", "DESCRIPTIONS", "EvalContext", "make_system", "parse_systems",
    "System", "Retrieval", "AnswerRecord", "CitationRecord", "RecordingLLM",
]


def parse_systems(value: str | Sequence[str] | None) -> list[str]:
    """System names from ``"a,b"`` or a list; all four when empty.

    Raises:
        ValueError: an unknown name.

    Example:
        >>> parse_systems("bm25, newsdesk")
        ['bm25', 'newsdesk']
    """
    if not value:
        return list(SYSTEM_NAMES)
    names = [n.strip() for n in (value.split(",") if isinstance(value, str) else value) if n.strip()]
    unknown = [n for n in names if n not in SYSTEM_NAMES]
    if unknown:
        raise InvalidArgumentError(f"unknown system(s) {', '.join(unknown)}; choose from {', '.join(SYSTEM_NAMES)}")
    return list(dict.fromkeys(names))


@dataclass
class EvalContext:
    """What systems share in one eval run: the articles, settings, cache, the newsdesk archive and the LLM.

    Attributes:
        articles_path: the article file.
        articles: its parsed articles.
        articles_sha256: the file's sha256 (part of every cache key).
        settings: newsdesk settings.
        cache: the eval index cache folder.
        answers: whether answers are evaluated (False: the LLM is never loaded).
        progress: show progress bars while building indexes.
        llm_override: use this LLM instead of the one the settings name (tests).
    """

    articles_path: Path
    articles: ArticleSet
    articles_sha256: str
    settings: Settings
    cache: Path
    answers: bool = True
    progress: bool = True
    llm_override: LLM | None = None
    builds: dict[str, BuildInfo] = field(default_factory=dict)
    _desk: Desk | None = None
    _llm: LLM | None = None

    def llm(self) -> LLM | None:
        """The one LLM every answering system uses, or None without answers."""
        if not self.answers:
            return None
        if self._llm is None:
            self._llm = self.llm_override or make_llm(self.settings.llm, Path(self.settings.cache_dir))
        return self._llm

    def desk(self) -> Desk:
        """The Desk over the eval archive, built on first use."""
        if self._desk is None:
            desk, info = open_newsdesk_archive(
                self.articles_path, self.articles, self.articles_sha256, self.settings, self.cache,
                progress=self.progress,
            )
            llm = self.llm()
            if llm is not None:
                desk.llm = llm
            self._desk = desk
            self.builds["newsdesk"] = info
        return self._desk

    def close(self) -> None:
        """Close the shared Desk."""
        if self._desk is not None:
            self._desk.close()
            self._desk = None


def make_system(name: str, ctx: EvalContext) -> Any:
    """Build system ``name`` (indexes are built or loaded from the cache here).

    Raises:
        ValueError: unknown name.
    """
    if name == "newsdesk":
        from evals.systems.newsdesk_system import NewsdeskSystem

        return NewsdeskSystem(ctx.desk())
    if name == "bm25":
        from evals.systems.bm25_system import BM25System

        return BM25System(ctx.desk().store, embed_title=ctx.settings.index.embed_title)
    if name == "newsrag":
        from evals.systems.newsrag_system import NewsragSystem

        return NewsragSystem(ctx.articles, ctx.llm(), max_tokens=ctx.settings.llm.max_tokens, progress=ctx.progress)
    if name == "llamaindex-default":
        from evals.systems.llamaindex_default import LlamaIndexDefaultSystem

        index, info = open_llamaindex_index(ctx.articles, ctx.articles_sha256, ctx.cache, progress=ctx.progress)
        ctx.builds[name] = info
        return LlamaIndexDefaultSystem(
            index, ctx.llm(), context_window=ctx.settings.llm.n_ctx, max_tokens=ctx.settings.llm.max_tokens
        )
    raise InvalidArgumentError(f"unknown system {name!r}; choose from {', '.join(SYSTEM_NAMES)}")
