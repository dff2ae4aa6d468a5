"""Answers to "What has Russia said about …?": a dated list of the speaker's own statements, oldest first.

The list is extractive: each line quotes a sentence in which the speaker (or one of its aliases: the Kremlin,
Peskov, TASS…) speaks, with its date, publisher and citation, so every line is supported by construction and the
small model cannot blend last year's statement into this week's. Statements off the question's topic are left out
by embedding similarity to the topic; the latest one (relative to ``as_of``) is marked.
"""

from __future__ import annotations

from collections.abc import Sequence

from index.embedding import Embedder
from qa.answering.evidence import cosine
from qa.speakers.questions import DatedStatement, SpeakerQuery, statements_from_hits
from qa.types import AnswerSentence, Citation, Hit, Span

# Below this similarity to the topic a statement is about something else (measured by eye on the sample archive:
# on-topic statements score 0.35-0.7, the same speaker on other subjects below 0.2).
MIN_TOPIC_SIMILARITY = 0.25


def topical_statements(
    sq: SpeakerQuery, hits: Sequence[Hit], embedder: Embedder, *, limit: int = 6
) -> list[DatedStatement]:
    """The speaker's statements in ``hits`` that are about the topic: the ``limit`` most relevant, oldest first."""
    found = statements_from_hits(list(hits), sq.aliases)
    if not found:
        return []
    if sq.topic.strip():
        topic = embedder.embed_query(sq.topic)
        vectors = embedder.embed_documents([s.text for s in found])
        relevance = [cosine(topic, v) for v in vectors]
    else:
        relevance = [1.0] * len(found)
    ranked = sorted(
        (pair for pair in zip(found, relevance, strict=True) if pair[1] >= MIN_TOPIC_SIMILARITY),
        key=lambda pair: -(pair[1] * pair[0].score),
    )[:limit]
    chosen = [s for s, _ in ranked]
    return sorted(chosen, key=lambda s: (s.article.published_at is None, s.article.published_at or 0, s.start))


def statement_answer(
    sq: SpeakerQuery, statements: list[DatedStatement], hits: Sequence[Hit]
) -> tuple[str, list[AnswerSentence], list[Citation]]:
    """The dated list as answer text, its checked sentences and citations (one marker per article)."""
    by_article = {h.article_id: h for h in reversed(list(hits))}  # best-ranked passage of each article
    markers: dict[str, int] = {}
    lines, sentences = [], []
    spans: dict[str, list[Span]] = {}
    for i, statement in enumerate(statements):
        marker = markers.setdefault(statement.article_id, len(markers) + 1)
        latest = " (latest)" if i == len(statements) - 1 and len(statements) > 1 else ""
        where = f"{statement.article.date}{latest}, {statement.article.publisher}"
        line = f"- {where}: {statement.speaker_mention}: “{statement.text}” [{marker}]"
        lines.append(line)
        span = Span(start=statement.start, end=statement.end, text=statement.text)
        spans.setdefault(statement.article_id, []).append(span)
        sentences.append(AnswerSentence(text=line, markers=[marker], supported=True, score=1.0, support=span))
    text = f"What {sq.speaker} said about {sq.topic or 'this'}, oldest first:\n" + "\n".join(lines)
    citations = []
    for article_id, marker in markers.items():
        hit = by_article[article_id]
        quote = " … ".join(s.text for s in spans[article_id])
        citations.append(Citation(
            marker=marker, chunk_id=hit.chunk_id, article=hit.article, quote=quote, start=spans[article_id][0].start,
            end=spans[article_id][-1].end, spans=spans[article_id],
        ))
    return text, sentences, citations
