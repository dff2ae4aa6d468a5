"""Typed results of the answering layer: one shape each, frozen, with described fields."""

from __future__ import annotations

from datetime import datetime, timezone

from pydantic import BaseModel, ConfigDict, Field

from index.reference import ArticleRef


class Hit(BaseModel):
    """A retrieved passage with its scores and rank."""

    model_config = ConfigDict(frozen=True)

    rank: int = Field(description="1-based position in the results.")
    chunk_id: str
    article: ArticleRef = Field(description="The article the passage comes from: id, title, publisher, url, date.")
    text: str = Field(description="The passage.")
    start: int = Field(description="Char offset of the passage in its article.")
    end: int
    score: float = Field(description="The score results are ordered by (higher is better).")
    dense_score: float | None = Field(None, description="Cosine similarity of query and passage.")
    lexical_score: float | None = Field(None, description="BM25 score of the passage, if it matched by words.")
    copies: tuple[str, ...] = Field((), description="Ids of other articles carrying the same passage (wire copies).")

    @property
    def article_id(self) -> str:
        """The id of the passage's article."""
        return self.article.article_id


class Span(BaseModel):
    """The exact text in an article that supports a claim, by character offsets into the article text."""

    model_config = ConfigDict(frozen=True)

    start: int
    end: int
    text: str


class Citation(BaseModel):
    """Marker ``[n]`` in an answer, resolved to the passage and article it points at."""

    model_config = ConfigDict(frozen=True)

    marker: int = Field(description="The n of [n] in the answer text.")
    chunk_id: str
    article: ArticleRef = Field(description="The cited article: id, title, publisher, url, date.")
    quote: str = Field(description="The passage the marker points at (the sentences shown to the model).")
    start: int = Field(description="Char offset of the quote in the article text.")
    end: int
    spans: list[Span] = Field(
        default_factory=list, description="The sentences that support the answer's claims citing this marker."
    )

    @property
    def article_id(self) -> str:
        """The id of the cited article."""
        return self.article.article_id


class AnswerSentence(BaseModel):
    """One sentence of an answer and how it was checked against the passages it cites."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(description="The sentence as shown, with its [n] markers.")
    markers: list[int] = Field(default_factory=list, description="The passages it cites.")
    supported: bool = Field(description="True when a cited passage says what the sentence says.")
    score: float = Field(0.0, description="Similarity of the sentence to its best supporting passage sentence.")
    support: Span | None = Field(None, description="The best supporting span, in the article of the first marker.")
    repaired: bool = Field(False, description="True when the model gave no marker and newsdesk added one.")
    reason: str | None = Field(None, description="Why the sentence is unsupported.")


class Timings(BaseModel):
    """Milliseconds spent per stage."""

    retrieve_ms: float = 0.0
    generate_ms: float = 0.0
    first_token_ms: float = 0.0
    check_ms: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Answer(BaseModel):
    """An answer with its citations, the passages considered, and whether newsdesk abstained."""

    model_config = ConfigDict(frozen=True)

    question: str
    text: str = Field(description="The answer, with [n] citation markers.")
    citations: list[Citation] = Field(default_factory=list, description="One per distinct marker, in marker order.")
    sentences: list[AnswerSentence] = Field(
        default_factory=list, description="Every sentence the model wrote, checked; unsupported ones are not in text."
    )
    hits: list[Hit] = Field(default_factory=list, description="Passages retrieved for the question, best first.")
    lead: AnswerSentence | None = Field(
        None, description="The quoted source sentence the answer starts with (extractive first), when one answers."
    )
    abstained: bool = Field(False, description="True when the archive does not hold the answer.")
    reason: str | None = Field(None, description="Why newsdesk abstained.")
    as_of: datetime = Field(default_factory=lambda: datetime.now(timezone.utc), description="The 'now' of the query.")
    timings: Timings = Field(default_factory=Timings)
    model: str = Field("", description="The LLM that wrote the answer.")
    rewritten_question: str | None = Field(
        None, description="The standalone question searched for, when a chat follow-up was rewritten."
    )

    @property
    def unsupported(self) -> list[AnswerSentence]:
        """Sentences the model wrote that are not shown as fact (left out of, or flagged in, the text), each with the
        reason: no cited passage supports it, it does not answer, or a later report gives another figure."""
        return [s for s in self.sentences if not s.supported]
