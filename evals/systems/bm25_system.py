"""BM25 (bm25s) over exactly newsdesk's chunks: the lexical baseline. Retrieval only; no dates."""

from __future__ import annotations

import logging
from typing import Any

from evals.datasets import Query
from evals.systems.base import TOP_K, AnswerRecord, Retrieval, Stopwatch, ranked_articles
from index.archive.store import ArchiveStore
from index.chunking import Chunk, embedded_text

logger = logging.getLogger(__name__)


class BM25System:
    """bm25s's BM25 (default k1/b, English stopwords) over the chunks of a newsdesk archive.

    Each chunk is indexed with its title in front when the archive embeds titles, so BM25 reads what the dense
    model reads.

    Args:
        store: the newsdesk archive whose chunks to index.
        embed_title: prefix chunks with their article's title, as newsdesk's embedder does.
    """

    name = "bm25"
    can_answer = False

    def __init__(self, store: ArchiveStore, *, embed_title: bool = True) -> None:
        import bm25s
        from bm25s.tokenization import Tokenizer

        # Chroma returns chunks in storage order; sorting makes the index (and ties) the same on every run.
        self.chunks: list[Chunk] = sorted(store.iter_chunks(), key=lambda c: (c.article_id, c.n))
        self.tokenizer: Any = Tokenizer(stopwords="en")
        corpus = self.tokenizer.tokenize(
            [embedded_text(c, embed_title) for c in self.chunks], return_as="ids", show_progress=False
        )
        self.bm25: Any = bm25s.BM25()
        self.bm25.index(corpus, show_progress=False)
        logger.info("bm25 indexed %d chunks", len(self.chunks))

    def retrieve(self, query: Query) -> Retrieval:
        """The 10 best-scoring chunks (score > 0) as ranked articles."""
        watch = Stopwatch()
        tokens = self.tokenizer.tokenize([query.text], update_vocab=False, return_as="ids", show_progress=False)
        picked: list[Chunk] = []
        if self.chunks and any(tokens[0]):  # id 0 is bm25s's "unknown word"
            docs, scores = self.bm25.retrieve(tokens, k=min(TOP_K, len(self.chunks)), show_progress=False)
            picked = [self.chunks[int(d)] for d, s in zip(docs[0], scores[0], strict=True) if s > 0]
        ms = watch.ms()
        return Retrieval(ranked_articles([c.article_id for c in picked]), [c.chunk_id for c in picked], ms)

    def answer(self, query: Query) -> AnswerRecord:
        """BM25 is a retrieval baseline: it has no answer path."""
        raise NotImplementedError("bm25 is retrieval-only")

    def close(self) -> None:
        """Nothing to release."""
