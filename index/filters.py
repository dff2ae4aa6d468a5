"""The store-level filter: which chunks a search may return, in the terms every index of an archive applies.

Retrieval turns a user's :class:`qa.filters.SearchFilters` (dates, sources as typed, article fields, excluded
articles) into one :class:`ChunkFilter` (epoch seconds, exact publisher names, resolved article ids), and each
index applies all of it: the manifest in SQL, the vector index through the manifest or chroma's where-clause, the
lexical index as tantivy queries. One value means no index can miss a field.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ChunkFilter(BaseModel):
    """Which chunks a search may return.

    Example:
        >>> f = ChunkFilter(as_of_ts=100, exclude=frozenset({"gold"}))
        >>> f.allows_article("gold"), f.allows_article("other"), f.allows_date(None), f.allows_date(101)
        (False, True, True, False)
    """

    model_config = ConfigDict(frozen=True)

    since_ts: int | None = Field(None, description="Earliest publication time in epoch seconds; undated chunks fail.")
    until_ts: int | None = Field(None, description="Latest publication time in epoch seconds; undated chunks fail.")
    as_of_ts: int | None = Field(None, description="Chunks published later are left out; undated ones stay.")
    sources: tuple[str, ...] = Field((), description="Publishers to keep, exactly as stored; empty keeps all.")
    article_ids: frozenset[str] | None = Field(None, description="Only these articles (None: all).")
    exclude: frozenset[str] = Field(frozenset(), description="Articles never returned.")

    @property
    def is_open(self) -> bool:
        """True when the filter keeps every chunk."""
        return (
            self.since_ts is None and self.until_ts is None and self.as_of_ts is None and not self.sources
            and self.article_ids is None and not self.exclude
        )

    @property
    def matches_nothing(self) -> bool:
        """True when no chunk can pass (an empty allow-list of articles)."""
        return self.article_ids is not None and not (self.article_ids - self.exclude)

    def allows_article(self, article_id: str) -> bool:
        """Whether chunks of ``article_id`` may be returned, by the article filters alone."""
        return article_id not in self.exclude and (self.article_ids is None or article_id in self.article_ids)

    def allows_date(self, published_ts: int | None) -> bool:
        """Whether a chunk published at ``published_ts`` passes the date filters."""
        if published_ts is None:
            return self.since_ts is None and self.until_ts is None
        return (
            (self.since_ts is None or published_ts >= self.since_ts)
            and (self.until_ts is None or published_ts <= self.until_ts)
            and (self.as_of_ts is None or published_ts <= self.as_of_ts)
        )
