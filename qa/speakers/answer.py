"""The answer to "What has X said about Y?": X's statements about Y, and only those, as a dated list.

:func:`topical_statements` keeps a statement when it is about the topic, judged on the statement itself (with the
sentence before it when it is a quotation or continues someone: "the ministry said", "He added"), never on the
article around it. Two readings decide together:

- the words (:mod:`qa.speakers.topics`): does the statement name the topic's head or a qualifier ("the visit",
  "Pelosi"), are the qualifiers named in it or just before it ("the strikes" after "US bombers struck"), and does
  another entity qualify the head instead ("the Israeli strikes" is not about "US strikes");
- the embedding (MiniLM) similarity of the statement to the topic: enough when the words name the topic, and
  needed high when they don't (a statement can be about a topic in other words).

:func:`statement_answer` lists them oldest first with the latest marked. With fewer than two on the topic it says
how many it found and adds the speaker's closest other statements under a label saying they are not about it,
rather than padding the list with them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.embedding import Embedder
from index.text import split_sentences
from qa.answering.evidence import cosine
from qa.speakers.questions import SpeakerQuery
from qa.speakers.statements import DatedStatement, oldest_first, statements_from_hits
from qa.speakers.topics import TopicMatch, match_topic, parse_topic
from qa.types import AnswerSentence, Citation, Hit, Span

# Similarity of a statement to the topic (MiniLM cosine) needed, by what its words name. Read off RealTimeQA 2022
# (seven questions, May-August) and the sample archive: statements naming the head score 0.2-0.7 when on the
# topic, and below 0.2 when the word is incidental ("observing agreements" for "the grain deal"); naming only a
# qualifier, 0.45-0.56 on the topic ("Washington had opened a Pandora's box" for "US strikes") and up to 0.44 off
# it ("downplayed Xi's warning" for "China's military drills"); naming neither, below 0.4 off the topic.
MIN_WITH_HEAD = 0.2
MIN_WITH_QUALIFIER = 0.45
MIN_UNNAMED = 0.55
_WORD = re.compile(r"\w+")
_QUOTATION = re.compile(r"“[^”]*”?|\"[^\"]*\"?")  # a quotation running on past the sentence has no closing mark
# How many of the speaker's other statements are offered when fewer than two are about the topic.
OTHERS_OFFERED = 3


def topical_statements(
    sq: SpeakerQuery, hits: Sequence[Hit], embedder: Embedder, *, limit: int = 6
) -> list[DatedStatement]:
    """The speaker's statements in ``hits`` about the topic: the ``limit`` most relevant, oldest first.

    When fewer than two are about the topic, the speaker's closest other statements follow (up to three, oldest
    first), with ``on_topic=False``; an empty list means the speaker says nothing in ``hits``.

    Args:
        sq: the parsed question.
        hits: passages retrieved for it, e.g. for :func:`qa.speakers.speaker_search_text`.
        embedder: the archive's embedder, to compare statements with the topic.
        limit: the most statements listed on the topic.
    """
    found = statements_from_hits(list(hits), sq.aliases)
    if not found:
        return []
    if not sq.topic.strip():
        return oldest_first(sorted(found, key=lambda s: -s.score)[:limit])
    topic = parse_topic(sq.topic)
    intros = [_intro(s) for s in found]
    query = embedder.embed_query(sq.topic)
    units = [f"{intro} {s.text}".strip() for intro, s in zip(intros, found, strict=True)]
    vectors = embedder.embed_documents([s.text for s in found] + units)
    judged = []
    for i, statement in enumerate(found):
        # A quotation's words may not name its topic ("It is a provocation"); the sentence introducing it does.
        relevance = round(max(cosine(query, vectors[i]), cosine(query, vectors[len(found) + i])), 4)
        match = match_topic(topic, statement.text, intros[i], statement.context, statement.article.title or "")
        judged.append(statement.model_copy(update={"relevance": relevance, "on_topic": is_about(match, relevance)}))
    on = _distinct(sorted((s for s in judged if s.on_topic), key=lambda s: -(s.relevance * s.score)))[:limit]
    if len(on) >= 2:
        return oldest_first(on)
    others = _distinct(sorted((s for s in judged if not s.on_topic), key=lambda s: -s.relevance))
    return oldest_first(on) + oldest_first(others[: min(OTHERS_OFFERED, limit)])


def _distinct(statements: list[DatedStatement]) -> list[DatedStatement]:
    """``statements`` without repeats: one whose words hold, or are held by, an earlier one's is left out (a page
    that repeats a quote under a label, "The search: Monday evening, Trump confirmed …", or a wire copy)."""
    kept: list[tuple[DatedStatement, str]] = []
    for statement in statements:
        words = f" {' '.join(_WORD.findall(statement.text.lower()))} "  # padded: whole words only
        if not any(words in other or other in words for _, other in kept):
            kept.append((statement, words))
    return [statement for statement, _ in kept]


def is_about(match: TopicMatch, relevance: float) -> bool:
    """Whether a statement is about the topic, from what its words name and its similarity to the topic.

    Example:
        >>> is_about(TopicMatch(head=True, qualifier=False, qualified=True, conflict=None), 0.3)
        True
        >>> is_about(TopicMatch(head=True, qualifier=False, qualified=True, conflict="Israeli"), 0.9)
        False
    """
    if match.conflict is not None:
        return False
    if not match.qualified:
        # "Pelosi's visit": a visit by nobody named near the statement may be anyone's.
        return False
    if match.head:
        return relevance >= MIN_WITH_HEAD
    if match.qualifier:
        return relevance >= MIN_WITH_QUALIFIER
    return relevance >= MIN_UNNAMED


def _intro(statement: DatedStatement) -> str:
    """The sentence introducing ``statement`` when it continues someone ("He added") or is mostly a quotation."""
    if not statement.context:
        return ""
    # "He said ..." names its speaker only before; "the foreign ministry said ..." names it here.
    names = statement.speaker_mention.split()
    continues = bool(names) and names[-1].lower() not in statement.text.lower()
    quoted = sum(len(q) for q in _QUOTATION.findall(statement.text)) >= 0.5 * len(statement.text)
    if continues or quoted:
        return split_sentences(statement.context, keep_quotations=True)[-1].text
    return ""


def statement_answer(
    sq: SpeakerQuery, statements: list[DatedStatement], hits: Sequence[Hit]
) -> tuple[str, list[AnswerSentence], list[Citation]]:
    """The dated list as answer text, its checked sentences and citations (one marker per article).

    Statements with ``on_topic=False`` (see :func:`topical_statements`) are listed apart, under a label saying they
    are not about the topic; with fewer than two on the topic, the first line says how many were found.
    """
    by_article = {h.article_id: h for h in reversed(list(hits))}  # best-ranked passage of each article
    markers: dict[str, int] = {}
    spans: dict[str, list[Span]] = {}
    sentences: list[AnswerSentence] = []

    def lines(group: list[DatedStatement], *, mark_latest: bool) -> list[str]:
        out = []
        for i, statement in enumerate(group):
            marker = markers.setdefault(statement.article_id, len(markers) + 1)
            latest = " (latest)" if mark_latest and i == len(group) - 1 and len(group) > 1 else ""
            where = f"{statement.article.date}{latest}, {statement.article.publisher}"
            line = f"- {where}: {statement.speaker_mention}: “{statement.text}” [{marker}]"
            span = Span(start=statement.start, end=statement.end, text=statement.text)
            spans.setdefault(statement.article_id, []).append(span)
            sentences.append(AnswerSentence(text=line, markers=[marker], supported=True, score=1.0, support=span))
            out.append(line)
        return out

    on = [s for s in statements if s.on_topic]
    off = [s for s in statements if not s.on_topic]
    about = _about(sq.topic) if sq.topic else ""
    if len(on) >= 2:
        head = f"What {sq.speaker} said{about or ' about this'}, oldest first:"
    elif on:
        head = f"I found one statement by {sq.speaker}{about}:"
    else:
        head = f"I found no statement by {sq.speaker}{about}."
    parts = [head + ("\n" + "\n".join(lines(on, mark_latest=True)) if on else "")]
    if off:
        label = f"Other statements by {sq.speaker}, not{about}" if sq.topic else "Other statements"
        parts.append(f"{label} (the closest found, oldest first):\n" + "\n".join(lines(off, mark_latest=False)))
    citations = []
    for article_id, marker in markers.items():
        hit = by_article[article_id]
        quoted = sorted(spans[article_id], key=lambda span: span.start)
        citations.append(Citation(
            marker=marker, chunk_id=hit.chunk_id, article=hit.article, quote=" … ".join(s.text for s in quoted),
            start=quoted[0].start, end=quoted[-1].end, spans=quoted,
        ))
    return "\n\n".join(parts), sentences, citations


def _about(topic: str) -> str:
    """The topic as the answer words it: " about the strikes", but " at Jackson Hole" where the question gives a
    place or time ("What did Jerome Powell say at Jackson Hole?").

    Example:
        >>> _about("US strikes"), _about("at Jackson Hole")
        (' about US strikes', ' at Jackson Hole')
    """
    if re.match(r"(?:at|in|on|during|after|before|since|to|for|about|over)\s", topic, re.IGNORECASE):
        return f" {topic}"
    return f" about {topic}"
