"""Story timelines: how much the archive reported on a topic over time, and what each report said that was new.

:func:`build_timeline` reads a wide retrieval for the topic (default 80 passages, the filters and ``as_of``
honoured, no preference for recent news), keeps the articles that one of their own sentences puts on the topic
(:mod:`qa.timeline_relevance`), counts them per day, week or month (:mod:`qa.timeline_buckets`; wire copies once),
and lists each one's key sentence oldest first, cited to its exact place in the article. With a speaker ("what X
said about Y over time"), the key sentences are that speaker's statements on the topic (:mod:`qa.speakers`). No
language model is involved.

Example:
    >>> import tempfile
    >>> from qa import Desk, Settings, sample_archive_path
    >>> desk = Desk.open(tempfile.mkdtemp(), Settings(index={"embedding_model": "hash"}), create=True)
    >>> _ = desk.ingest([sample_archive_path()])
    >>> timeline = build_timeline(desk, "ceasefire", as_of=datetime(2025, 6, 30, tzinfo=timezone.utc))
    >>> timeline.bucket, [e.date for e in timeline.entries] == sorted(e.date for e in timeline.entries)
    ('day', True)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from index.reference import ArticleRef
from qa.errors import EmptyQuestionError, InvalidArgumentError
from qa.filters import SearchFilters
from qa.retrieval.retriever import Retriever
from qa.speakers import load_aliases, parse_speaker_question, speaker_search_text, topical_statements
from qa.speakers.questions import SpeakerQuery
from qa.timeline_buckets import Bucket, TimelineBucket, choose_bucket, count_by
from qa.timeline_relevance import (
    COPY_JACCARD,
    as_written,
    candidates,
    jaccard,
    judge,
    pick_key_sentences,
    shingles,
)
from qa.types import Citation, Hit, Span

if TYPE_CHECKING:
    from qa.desk import Desk

__all__ = ["Timeline", "TimelineBucket", "TimelineEntry", "build_timeline", "choose_bucket", "count_by"]

READ = 80  # passages a timeline reads at least: a story's run over weeks of news, its sentences embedded in seconds
MOST_READ = 300  # ... and at most, however many entries are asked for
FULL_NEAR_END = 0.2  # a full retrieval still matching in its last fifth may have left matching articles unread


class TimelineEntry(BaseModel):
    """One dated key sentence of the timeline, cited to its place in the article."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(description="The sentence, as the article has it.")
    citation: Citation = Field(
        description="Marker n (the entry's position), the article (id, title, source, date, url) and the sentence's "
        "exact character offsets in the article text (start, end; also as the one span)."
    )
    relevance: float = Field(description="How strongly the sentence is about the topic (cosine plus topic words).")
    speaker: str | None = Field(None, description="Who speaks, as the article names them, on a speaker's timeline.")
    copies: tuple[str, ...] = Field((), description="Ids of other articles carrying the same story (counted once).")

    @property
    def article(self) -> ArticleRef:
        """The cited article."""
        return self.citation.article

    @property
    def date(self) -> str:
        """Publication date as YYYY-MM-DD, or 'undated'."""
        return self.citation.article.date


class Timeline(BaseModel):
    """How a topic (or what a speaker said about it) ran over time in the archive."""

    model_config = ConfigDict(frozen=True)

    topic: str = Field(description="The topic asked about; empty for everything a speaker said.")
    speaker: str | None = Field(None, description="The speaker whose statements the entries are, if one was asked.")
    as_of: datetime = Field(description="The timeline's 'now': nothing published later is counted or listed.")
    bucket: Bucket = Field(description="The chart's period, chosen by the span of the matching stories.")
    buckets: list[TimelineBucket] = Field(
        default_factory=list, description="Stories per period, oldest first, every period of the span (zeros too)."
    )
    entries: list[TimelineEntry] = Field(
        default_factory=list, description="Key sentences oldest first (undated last), one per story, at most `limit`."
    )
    articles: int = Field(0, description="Matching stories, dated or not, wire copies counted once.")
    undated: int = Field(0, description="Matching stories with no date (listed last, not in the chart).")
    read: int = Field(0, description="Passages retrieved and read for the topic.")
    capped: bool = Field(
        False, description="True when the retrieval was full and still matching at its end: more may match."
    )

    @property
    def empty(self) -> bool:
        """True when no article in the archive matches."""
        return self.articles == 0


def build_timeline(
    desk: Desk,
    topic: str,
    filters: SearchFilters | None = None,
    *,
    speaker: str | None = None,
    limit: int = 30,
    **criteria: Any,
) -> Timeline:
    """The timeline of ``topic`` (or of what ``speaker`` said about it) in ``desk``'s archive.

    Args:
        desk: the archive and its embedder.
        topic: what the stories are about, e.g. "rent cap"; may be empty when a speaker is given.
        filters: which articles may be used (see :class:`qa.SearchFilters`); ``as_of`` defaults to now.
        speaker: a speaker ("Russia", "Peskov", "Mayor Lena Ortiz"), expanded into the names news uses for it.
        limit: the most key sentences listed (the chart counts every matching story read).
        **criteria: filter fields as keywords (``since``, ``until``, ``sources``, ``as_of``, ...), refining
            ``filters``.

    Raises:
        EmptyQuestionError: neither a topic nor a speaker.
        InvalidArgumentError: ``limit`` is not positive.
        FilterError: a filter is malformed or names no publisher in the archive.
        EmptyIndexError: nothing has been ingested.
    """
    topic = " ".join((topic or "").split())
    speaker = " ".join((speaker or "").split()) or None
    if not topic and speaker is None:
        raise EmptyQuestionError("the topic is empty; give a topic (e.g. 'rent cap') or a speaker")
    if limit <= 0:
        raise InvalidArgumentError(f"limit must be > 0, got {limit}")
    chosen = SearchFilters.of(filters, **criteria).at(datetime.now(timezone.utc))
    desk.store.require_articles()
    # A timeline wants the whole run of a story, so retrieval's preference for this week's news is off.
    retriever = Retriever(desk.store, desk.embedder, desk.settings.retrieval.model_copy(update={"recency": "off"}))
    k = min(MOST_READ, max(READ, 3 * limit))
    if speaker is not None:
        query = _speaker_query(speaker, topic, desk.settings.answer.speakers_file)
        hits = retriever.search(speaker_search_text(query), k, chosen)
        stories = _speaker_stories(query, hits, desk)
    else:
        hits = retriever.search(topic, k, chosen)
        stories = _topic_stories(topic, hits, desk)
    assert chosen.as_of is not None
    return _assemble(topic, speaker, chosen.as_of, hits, k, stories, limit)


class _Story(BaseModel):
    """An article on the timeline with its key sentence, before the entries are numbered."""

    hit: Hit
    start: int
    end: int
    text: str
    relevance: float
    speaker: str | None = None
    copies: list[str] = Field(default_factory=list)


def _topic_stories(topic: str, hits: Sequence[Hit], desk: Desk) -> list[_Story]:
    found = candidates(hits)
    judge(as_written(topic, hits), found, desk.embedder)
    refs = {h.article_id: h.article for h in hits}
    picks = pick_key_sentences(_oldest_first(refs), found)
    stories: dict[str, _Story] = {}
    for article, pick in picks.items():
        if pick.candidate is not None:
            c = pick.candidate
            stories[article] = _Story(hit=c.hit, start=c.sentence.start, end=c.sentence.end, text=c.sentence.text,
                                      relevance=c.relevance)
        elif pick.copy_of in stories:
            stories[pick.copy_of].copies.append(article)
    return _fold_retrieval_copies(stories, hits)


def _speaker_stories(query: SpeakerQuery, hits: Sequence[Hit], desk: Desk) -> list[_Story]:
    statements = [s for s in topical_statements(query, hits, desk.embedder, limit=len(hits) * 4) if s.on_topic]
    chunk = {h.chunk_id: h for h in hits}
    best: dict[str, _Story] = {}
    for s in statements:
        story = _Story(hit=chunk[s.chunk_id], start=s.start, end=s.end, text=s.text,
                       relevance=round(s.relevance * s.score, 4), speaker=s.speaker_mention)
        if s.article_id not in best or story.relevance > best[s.article_id].relevance:
            best[s.article_id] = story
    # The same quotation in two outlets is one statement reported twice: the earlier report stands for both.
    kept: list[_Story] = []
    for story in (best[a] for a in _oldest_first({a: s.hit.article for a, s in best.items()})):
        words = shingles(story.text)
        twin = next((k for k in kept if jaccard(shingles(k.text), words) >= COPY_JACCARD), None)
        if twin is not None:
            twin.copies.append(story.hit.article_id)
        else:
            kept.append(story)
    return _fold_retrieval_copies({s.hit.article_id: s for s in kept}, hits)


def _fold_retrieval_copies(stories: dict[str, _Story], hits: Sequence[Hit]) -> list[_Story]:
    """``stories`` with the articles retrieval folded as copies of theirs listed on them, and a story that is
    itself a folded copy of another story merged into it."""
    for hit in hits:
        if hit.article_id in stories:
            owner = stories[hit.article_id]
            owner.copies.extend(c for c in hit.copies if c not in owner.copies)
    merged: dict[str, _Story] = {}
    for article, story in stories.items():
        owner = next((s for a, s in stories.items() if a != article and article in s.copies), None)
        if owner is None:
            merged[article] = story
    return list(merged.values())


def _speaker_query(speaker: str, topic: str, speakers_file: Any) -> SpeakerQuery:
    """The speaker with the names news uses for it ("Russia": the Kremlin, Peskov, TASS ...), or as given."""
    parsed = parse_speaker_question(f"What has {speaker} said?", load_aliases(speakers_file))
    if parsed is not None:
        return parsed.model_copy(update={"topic": topic})
    return SpeakerQuery(speaker=speaker, aliases=(speaker,), topic=topic)


def _oldest_first(refs: dict[str, ArticleRef]) -> list[str]:
    undated = datetime.max.replace(tzinfo=timezone.utc)
    return sorted(refs, key=lambda a: (refs[a].published_at or undated, a))


def _assemble(
    topic: str, speaker: str | None, as_of: datetime, hits: Sequence[Hit], k: int, stories: list[_Story], limit: int
) -> Timeline:
    days = [s.hit.article.published_at.date() for s in stories if s.hit.article.published_at is not None]
    bucket, buckets = count_by(days)
    listed = _most_relevant(stories, limit)
    undated = datetime.max.replace(tzinfo=timezone.utc)
    listed.sort(key=lambda s: (s.hit.article.published_at or undated, s.start))
    entries = [_entry(n, story) for n, story in enumerate(listed, start=1)]
    # Hits are ranked: matches among the last ones read suggest the story runs on past what was read.
    tail = {h.article_id for h in hits[int(len(hits) * (1 - FULL_NEAR_END)) :]}
    capped = len(hits) >= k and any(s.hit.article_id in tail for s in stories)
    return Timeline(topic=topic, speaker=speaker, as_of=as_of, bucket=bucket, buckets=buckets, entries=entries,
                    articles=len(stories), undated=len(stories) - len(days), read=len(hits), capped=capped)


def _most_relevant(stories: list[_Story], limit: int) -> list[_Story]:
    """At most ``limit`` stories: the best of each day first (so a long run keeps its spread), then the rest."""
    ranked = sorted(stories, key=lambda s: -s.relevance)
    firsts: dict[str, _Story] = {}
    for story in ranked:
        firsts.setdefault(story.hit.article.date, story)
    lead = list(firsts.values())[:limit]
    taken = {id(s) for s in lead}
    return lead + [s for s in ranked if id(s) not in taken][: limit - len(lead)]


def _entry(marker: int, story: _Story) -> TimelineEntry:
    span = Span(start=story.start, end=story.end, text=story.text)
    citation = Citation(marker=marker, chunk_id=story.hit.chunk_id, article=story.hit.article, quote=story.text,
                        start=story.start, end=story.end, spans=[span])
    return TimelineEntry(text=story.text, citation=citation, relevance=story.relevance, speaker=story.speaker,
                         copies=tuple(story.copies))
