"""Which article a passage comes from, who published it and when: one value shared by chunks, hits, citations and
statements, so the fields and the way a date is shown are written once."""

from __future__ import annotations

from datetime import datetime, timezone

from pydantic import BaseModel, ConfigDict, Field

from index.articles import Article


class ArticleRef(BaseModel):
    """An article's identity, publisher and date, as every passage taken from it carries them.

    Example:
        >>> ref = ArticleRef(article_id="a1", source="Reuters", published_at=datetime(2022, 6, 12, tzinfo=timezone.utc))
        >>> ref.date, ref.published_ts, ArticleRef(article_id="a2").date
        ('2022-06-12', 1654992000, 'undated')
    """

    model_config = ConfigDict(frozen=True)

    article_id: str
    title: str | None = None
    source: str | None = Field(None, description="The publisher.")
    url: str | None = None
    published_at: datetime | None = Field(None, description="Publication time, timezone-aware UTC.")
    headline_only: bool = Field(
        False, description="The article has no text beyond its headline (a feed stub, a bare URL): it never "
        "outranks a passage with text that shares the query's words."
    )

    @classmethod
    def of(cls, article: Article) -> ArticleRef:
        """The reference to a whole article."""
        return cls(article_id=article.article_id, title=article.title, source=article.source, url=article.url,
                   published_at=article.published_at, headline_only=article.headline_only)

    @classmethod
    def from_ts(
        cls, article_id: str, title: str | None, source: str | None, url: str | None, published_ts: int | None,
        *, headline_only: bool = False,
    ) -> ArticleRef:
        """A reference from stored columns (dates stored as epoch seconds; empty strings as missing)."""
        published = datetime.fromtimestamp(published_ts, tz=timezone.utc) if published_ts is not None else None
        return cls(article_id=article_id, title=title or None, source=source or None, url=url or None,
                   published_at=published, headline_only=headline_only)

    @property
    def published_ts(self) -> int | None:
        """Publication time as epoch seconds, as the indexes store and filter dates."""
        return int(self.published_at.timestamp()) if self.published_at is not None else None

    @property
    def date(self) -> str:
        """Publication date as YYYY-MM-DD, or 'undated'."""
        return self.published_at.strftime("%Y-%m-%d") if self.published_at is not None else "undated"

    @property
    def publisher(self) -> str:
        """The publisher's name, or 'unknown source'."""
        return self.source or "unknown source"
