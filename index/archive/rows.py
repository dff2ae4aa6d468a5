"""How the manifest's rows are written and read: the SQL both of its databases (SQLite, PostgreSQL) share for
upserts and filters, and the conversions between rows and ``Article``/``Chunk`` values."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from index.articles import Article
from index.chunking import Chunk
from index.cleaning import CLEANING_VERSION, is_headline_only
from index.filters import ChunkFilter
from index.reference import ArticleRef
from index.urls import title_from_url


def replacing(key: str, columns: str) -> str:
    """The clause that makes an INSERT replace the row with the same ``key`` (SQLite and PostgreSQL alike)."""
    others = [c.strip() for c in columns.split(",") if c.strip() != key]
    return f"ON CONFLICT ({key}) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in others)


def date_and_source_sql(where: ChunkFilter) -> tuple[list[str], list[Any]]:
    # Conditions on the chunks table (the article filters are applied to the rows read). A date range asks for
    # dated articles (NULL fails the comparison); the as_of cut only removes later ones, so undated articles stay.
    clauses: list[str] = []
    params: list[Any] = []
    if where.since_ts is not None:
        clauses.append("published_ts >= ?")
        params.append(where.since_ts)
    if where.until_ts is not None:
        clauses.append("published_ts <= ?")
        params.append(where.until_ts)
    if where.as_of_ts is not None:
        clauses.append("(published_ts IS NULL OR published_ts <= ?)")
        params.append(where.as_of_ts)
    if where.sources:
        clauses.append(f"source IN ({','.join('?' * len(where.sources))})")
        params.extend(where.sources)
    return clauses, params


def as_date(ts: int | None) -> datetime | None:
    return datetime.fromtimestamp(ts, tz=timezone.utc) if ts is not None else None


def row_chunk(
    cid: str, aid: str, n: int, start: int, end: int, title: str, source: str, url: str, ts: int | None, text: str
) -> Chunk:
    # Whether an article is headline-only follows from what is stored (its one chunk is its headline), so it is
    # read, not stored: archives written before the flag existed carry it too.
    headline_only = n == 0 and len(text) <= _HEADLINE_CHARS and is_headline_only(text, title, title_from_url(url))
    ref = ArticleRef.from_ts(aid, title, source, url, ts, headline_only=headline_only)
    return Chunk(chunk_id=cid, article=ref, n=n, start=start, end=end, text=text)


# Longer than any headline: a chunk this long has text of its own (and is not compared word by word).
_HEADLINE_CHARS = 600


def article_row(article: Article, n_chunks: int, origin: str | None, now: str) -> tuple[Any, ...]:
    ts = int(article.published_at.timestamp()) if article.published_at else None
    return (
        article.article_id,
        article.content_hash,
        article.text_hash,
        article.title,
        article.source,
        article.url,
        ts,
        json.dumps(list(article.authors)),
        article.language,
        json.dumps(article.metadata),
        article.text,
        n_chunks,
        origin,
        now,
        CLEANING_VERSION,  # whoever writes an article wrote it with the current rules (ingest and re-cleaning)
    )
