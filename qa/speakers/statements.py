"""A speaker's statements: the sentences where the speaker speaks.

"What has Russia said about US strikes?" is not answered by one fact but by a dated list of statements from
everyone who speaks for Russia. :func:`extract_statements` and :func:`statements_from_hits` pick out the sentences
of passages in which one of the speaker's aliases speaks, with char offsets (the pattern rules are
:mod:`qa.speakers.attribution`: an alias as the subject of a speech verb, after one, after "according to", a
pronoun or "the ministry" continuing a statement, or a quotation attributed to one of these).

The answer made of them is extractive (:mod:`qa.speakers.answer`): each line quotes a sentence in which the speaker
(or one of its aliases: the Kremlin, Peskov, TASS…) speaks, with its date, publisher and citation, so every line is
supported by construction and the small model cannot blend last year's statement into this week's. Each statement
carries the sentences before it in its passage, which say whom a quotation continues and which "strikes" it means.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from index.reference import ArticleRef
from index.text import split_sentences
from qa.speakers.attribution import STATEMENT_THRESHOLD, attribute
from qa.types import Hit


class Statement(BaseModel):
    """A sentence in which the speaker says something."""

    model_config = ConfigDict(frozen=True)

    speaker_mention: str = Field(
        description="Who speaks, as the text names them, e.g. 'Kremlin spokesman Dmitry Peskov'."
    )
    text: str = Field(description="The sentence.")
    start: int = Field(description="Char offset of the sentence in the text searched.")
    end: int = Field(description="Char offset just past the sentence.")
    score: float = Field(1.0, description="How clearly the sentence is the speaker's statement, in [0.5, 1].")


class DatedStatement(BaseModel):
    """A statement found in a retrieved passage, with the article it comes from."""

    model_config = ConfigDict(frozen=True)

    speaker_mention: str
    text: str = Field(description="The sentence.")
    score: float
    article: ArticleRef = Field(description="The article the statement is quoted from.")
    chunk_id: str
    start: int = Field(description="Char offset of the sentence in its article.")
    end: int
    context: str = Field(
        "", description="Up to two sentences before the statement in its passage: whom 'he' or a quotation continues."
    )
    on_topic: bool = Field(True, description="Whether the statement is about the question's topic.")
    relevance: float = Field(1.0, description="Embedding similarity of the statement (in its context) to the topic.")

    @property
    def article_id(self) -> str:
        """The id of the statement's article."""
        return self.article.article_id


def statement_score(text: str, aliases: Sequence[str]) -> float:
    """How much ``text`` reads as one of ``aliases`` speaking, in [0, 1].

    About 1.0 for a quotation attributed to an alias, 0.85 for an alias as the subject of a speech verb,
    0.8 for "according to" an alias, 0.7 for a pronoun continuing such a statement, 0.45 for an alias inside
    the subject ("the ambassador to the UN said"), 0.3 for an alias in a sentence where someone else speaks,
    0.15 for a mere mention, and 0 without any. Each further statement in the passage adds 0.05.

    Example:
        >>> aliases = ("Russia", "Kremlin", "Peskov")
        >>> statement_score('"We are ready to help," Kremlin spokesman Dmitry Peskov told reporters.', aliases)
        1.0
        >>> statement_score("Iran's foreign minister flew to Russia on Monday.", aliases)
        0.15
    """
    found = attribute(text, aliases)
    if not found:
        return 0.0
    statements = sum(f.score >= STATEMENT_THRESHOLD for f in found)
    return round(min(1.0, max(f.score for f in found) + 0.05 * max(0, statements - 1)), 4)


def extract_statements(text: str, aliases: Sequence[str]) -> list[Statement]:
    """The sentences of ``text`` in which one of ``aliases`` says something, in text order.

    Example:
        >>> text = ("Russia's foreign ministry condemned the strikes. In a statement, the ministry said they broke "
        ...         "international law. Oil prices rose.")
        >>> [(s.speaker_mention, s.start, s.end) for s in extract_statements(text, ["Russia", "Kremlin"])]
        [("Russia's foreign ministry", 0, 48), ("Russia's foreign ministry", 49, 112)]
    """
    return [
        Statement(speaker_mention=f.mention or "", text=text[f.start : f.end], start=f.start, end=f.end, score=f.score)
        for f in attribute(text, aliases)
        if f.score >= STATEMENT_THRESHOLD
    ]


def statements_from_hits(
    hits: Sequence[Hit], aliases: Sequence[str], min_score: float = STATEMENT_THRESHOLD
) -> list[DatedStatement]:
    """The statements in retrieved passages, oldest first, each once (overlapping chunks repeat sentences).

    Args:
        hits: passages from retrieval, e.g. for :func:`speaker_search_text`.
        aliases: the speaker's names, e.g. ``SpeakerQuery.aliases``.
        min_score: the lowest sentence score kept.

    Returns:
        Statements with their article, date and source; offsets point into the article text.

    Example:
        >>> hit = Hit(rank=1, chunk_id="a:0", article=ArticleRef(article_id="a"), text="Peskov said talks were over.",
        ...           start=100, end=128, score=1.0)
        >>> [(s.speaker_mention, s.start, s.article.date) for s in statements_from_hits([hit], ["Peskov"])]
        [('Peskov', 100, 'undated')]
    """
    chosen: dict[tuple[str, str], DatedStatement] = {}
    for hit in hits:
        sentences = split_sentences(hit.text, keep_quotations=True)
        for st in extract_statements(hit.text, aliases):
            if st.score < min_score:
                continue
            key = (hit.article_id, " ".join(st.text.split()))
            context = " ".join(s.text for s in [s for s in sentences if s.end <= st.start][-2:])
            # Overlapping chunks repeat a sentence: keep the clearest reading, then the one with more before it.
            if key in chosen and (chosen[key].score, len(chosen[key].context)) >= (st.score, len(context)):
                continue
            chosen[key] = DatedStatement(
                speaker_mention=st.speaker_mention,
                text=st.text,
                score=st.score,
                article=hit.article,
                chunk_id=hit.chunk_id,
                start=hit.start + st.start,
                end=hit.start + st.end,
                context=context,
            )
    return oldest_first(chosen.values())


def oldest_first(statements: Iterable[DatedStatement]) -> list[DatedStatement]:
    """``statements`` by date (undated last), then article and position."""
    undated = datetime.max.replace(tzinfo=None)
    return sorted(
        statements,
        key=lambda s: (
            s.article.published_at is None,
            s.article.published_at.replace(tzinfo=None) if s.article.published_at else undated,
            s.article_id,
            s.start,
        ),
    )
