"""The PyPI package newsrag 0.6.4, used as its README shows.

``NewsroomRAG(recency_half_life_days=7)`` with no embedder (its lexical BM25-style ranking), sources added with
their publication dates, and ``search``/``ask`` given the question's as-of time both as ``as_of`` (the "now" of
the recency boost) and as ``before`` (newsrag's ``as_of`` alone does not exclude later articles). Its answer path
is its own ``ask`` with the ``generate`` hook wired to the same LLM as newsdesk; its ``[E1]`` citations are
renumbered to ``[1]`` for scoring, and bare ``[1]`` markers, which newsrag does not count as citations, are dropped.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

from tqdm import tqdm

from evals.datasets import ArticleSet, Query
from evals.systems.base import (
    TOP_K,
    AnswerRecord,
    CitationRecord,
    RecordingLLM,
    Retrieval,
    Stopwatch,
    looks_like_abstention,
    pick_choice,
    ranked_articles,
)
from index.text import strip_markers
from qa.llm.base import LLM, Message

logger = logging.getLogger(__name__)

RECENCY_HALF_LIFE_DAYS = 7
_E_MARKER = re.compile(r"\[E(\d+)\]")


def _passage_id(evidence: Any) -> str:
    # newsrag passages have no ids: name them by article and char offset.
    return f"{evidence.source_id}@{evidence.start}"


class NewsragSystem:
    """newsrag's in-memory index over the same articles.

    Args:
        articles: the articles (newsdesk's parse of the article file).
        llm: the LLM for newsrag's ``generate`` hook; None for retrieval only.
        max_tokens: longest answer.
        progress: show a progress bar while adding sources.
    """

    name = "newsrag"

    def __init__(self, articles: ArticleSet, llm: LLM | None = None, *, max_tokens: int = 256,
                 progress: bool = True) -> None:
        from newsrag import NewsroomRAG, Source

        self.recorder = RecordingLLM(llm) if llm is not None else None
        self.max_tokens = max_tokens
        self.can_answer = llm is not None
        self.rag: Any = NewsroomRAG(
            recency_half_life_days=RECENCY_HALF_LIFE_DAYS, generate=self._generate if llm is not None else None
        )
        with tqdm(total=len(articles.articles), desc="newsrag index", unit="article", file=sys.stderr,
                  disable=not progress, leave=False) as bar:
            for start in range(0, len(articles.articles), 256):
                batch = articles.articles[start : start + 256]
                self.rag.add(*(
                    Source(
                        id=a.article_id, title=a.title or a.url or a.article_id, text=a.text, url=a.url,
                        published_at=a.published_at, publisher=a.source,
                    )
                    for a in batch
                ))
                bar.update(len(batch))

    def _generate(self, prompt: str) -> str:
        # newsrag's hook takes one prompt string: send it as the user turn so the chat template applies.
        assert self.recorder is not None
        return self.recorder.complete([Message(role="user", content=prompt)], max_tokens=self.max_tokens).text

    def retrieve(self, query: Query) -> Retrieval:
        """``search(question, top_k=10, as_of=…, before=…)``."""
        watch = Stopwatch()
        evidence = self.rag.search(query.text, top_k=TOP_K, as_of=query.as_of, before=query.as_of)
        ms = watch.ms()
        return Retrieval(ranked_articles([e.source_id for e in evidence]), [_passage_id(e) for e in evidence], ms)

    def answer(self, query: Query) -> AnswerRecord:
        """``ask(question, as_of=…, before=…)`` (its default top_k=5), then the choices as a follow-up turn."""
        if self.recorder is None:
            raise NotImplementedError("newsrag was set up without an LLM")
        self.recorder.reset()
        watch = Stopwatch()
        result = self.rag.ask(query.text, as_of=query.as_of, before=query.as_of)
        ms = watch.ms()
        by_ref = {e.ref: e for e in result.evidence}
        # newsrag cites with [E1]; a bare [1] is no citation to it (it warns "No citations"), so it is dropped
        # before [En] becomes [n] for scoring.
        text = _E_MARKER.sub(lambda m: f"[{m.group(1)}]", strip_markers(result.text)).strip()
        citations = [
            CitationRecord(int(ref[1:]), by_ref[ref].source_id, by_ref[ref].excerpt, _passage_id(by_ref[ref]))
            for ref in result.cited
            if ref in by_ref
        ]
        called = self.recorder.calls > 0
        abstained = not result.evidence or not called or looks_like_abstention(text)
        prior = self.recorder.last_messages
        pick = pick_choice(
            self.recorder.inner, query, [e.excerpt for e in result.evidence], prior,
            self.recorder.last_reply if prior else None,
        )
        return AnswerRecord(
            text=text, abstained=abstained, citations=citations, ms=ms, tokens_in=self.recorder.prompt_tokens,
            tokens_out=self.recorder.completion_tokens,
        ).set_picks(pick)

    def close(self) -> None:
        """Nothing to release."""
