"""The request and response bodies of the HTTP API (:mod:`ui.http`), with the field descriptions its
documentation (``/v1/docs``) shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from qa import Answer, Citation, SearchFilters
from ui.fields import parse_day

MODEL_ID = "newsdesk"


class FilterFields(BaseModel):
    """Which articles may be used: newsdesk's extra body fields, mapped onto :class:`qa.SearchFilters`."""

    as_of: str | None = Field(None, description="Ask as if it were this date: later articles are never used.")
    since: str | None = Field(None, description="Only articles published on or after this date.")
    until: str | None = Field(None, description="Only articles published on or before this date (a day: its end).")
    sources: list[str] | str | None = Field(None, description="Only these publishers (any case).")
    where: dict[str, str | int | float | bool] | None = Field(
        None, description="Fields of the original record that must have these values, e.g. {\"topics\": \"cocoa\"}."
    )
    exclude: list[str] | None = Field(None, description="Article ids never used.")

    def search_filters(self) -> SearchFilters:
        """These fields as one filter value.

        Raises:
            FilterError: a date newsdesk cannot read, or a window that ends before it starts.
        """
        return SearchFilters.of(
            since=parse_day(self.since, "since"),
            until=parse_day(self.until, "until", end_of_day=True),
            as_of=parse_day(self.as_of, "as_of", end_of_day=True),
            sources=self.sources or None,
            metadata=self.where or None,
            exclude=self.exclude or None,
        )


class ContentPart(BaseModel):
    """A part of a message in OpenAI's list form; only text parts are read."""

    model_config = ConfigDict(extra="ignore")
    type: str = "text"
    text: str | None = None


class ChatMessage(BaseModel):
    """One message of the conversation; ``system`` and ``tool`` messages are ignored (newsdesk has its own prompt)."""

    model_config = ConfigDict(extra="ignore")
    role: str
    content: str | list[ContentPart] | None = None

    @property
    def text(self) -> str:
        """The message's text, parts joined."""
        if isinstance(self.content, list):
            return "".join(part.text or "" for part in self.content if part.type == "text")
        return self.content or ""


class StreamOptions(BaseModel):
    """OpenAI's ``stream_options``: with ``include_usage``, a last chunk carries the token counts."""

    model_config = ConfigDict(extra="ignore")
    include_usage: bool = False


class ChatRequest(FilterFields):
    """``POST /v1/chat/completions``: OpenAI's body plus newsdesk's filter fields; other OpenAI fields are ignored."""

    model_config = ConfigDict(extra="ignore")
    model: str = Field(MODEL_ID, description="Any value; the answer always comes from newsdesk.")
    messages: list[ChatMessage] = Field(min_length=1, description="The conversation; the last one is the question.")
    stream: bool = False
    stream_options: StreamOptions | None = None


class SearchRequest(FilterFields):
    """``POST /v1/search``: a query, how many passages (``k`` or ``limit``), and the filter fields."""

    model_config = ConfigDict(extra="forbid")
    query: str = Field(description="What to look for.")
    k: int | None = Field(None, ge=1, le=100, description="How many passages (default 10).")
    limit: int | None = Field(None, ge=1, le=100, description="Another name for k.")


class CitedSource(BaseModel):
    """One ``[n]`` of the answer, resolved to its article."""

    marker: int = Field(description="The n of [n] in the content.")
    article_id: str
    title: str | None
    source: str | None = Field(description="The publisher.")
    published_at: datetime | None
    date: str = Field(description="YYYY-MM-DD, or 'undated'.")
    url: str | None
    chunk_id: str
    quote: str = Field(description="The passage the marker points at.")
    spans: list[dict[str, Any]] = Field(description="The sentences that support the claims, by offsets in the article.")

    @classmethod
    def of(cls, citation: Citation) -> CitedSource:
        """The API's view of a citation."""
        ref = citation.article
        return cls(marker=citation.marker, article_id=ref.article_id, title=ref.title, source=ref.source,
                   published_at=ref.published_at, date=ref.date, url=ref.url, chunk_id=citation.chunk_id,
                   quote=citation.quote, spans=[span.model_dump() for span in citation.spans])


class NewsdeskInfo(BaseModel):
    """The extra ``newsdesk`` field of a completion (and of the last stream chunk)."""

    citations: list[CitedSource] = Field(description="One per [n] in the content, in marker order.")
    abstained: bool = Field(description="True when the archive does not answer the question.")
    reason: str | None = Field(description="Why newsdesk abstained.")
    as_of: datetime = Field(description="The 'now' of the question: nothing published later was used.")
    question: str = Field(description="The question searched.")
    rewritten_question: str | None = Field(description="Set when a follow-up was rewritten into `question`.")
    model: str = Field(description="What wrote the answer (the LLM, or an extractive method).")

    @classmethod
    def of(cls, answer: Answer) -> NewsdeskInfo:
        """The API's view of an answer's metadata."""
        return cls(citations=[CitedSource.of(c) for c in answer.citations], abstained=answer.abstained,
                   reason=answer.reason, as_of=answer.as_of, question=answer.question,
                   rewritten_question=answer.rewritten_question, model=answer.model)
