"""BM25 over an archive's chunks in PostgreSQL: the lexical index of an archive whose manifest is in a database.

PostgreSQL stems and indexes each chunk's headline and text itself (the manifest's generated ``tsvector`` columns,
GIN-indexed), in the transaction that writes the chunk, so this index needs no writes of its own and can never be
out of step with the manifest. Its own ranking functions (``ts_rank``) know nothing of how rare a word is, which
is most of what BM25 gets right for news questions; so the score here is BM25 (k1 = 1.2, b = 0.75, tantivy's
defaults), per field and summed as tantivy does for the embedded index: a word's document frequency comes from
the GIN index, its frequency in a chunk from the chunk's ``tsvector``, and a field's length is its number of
distinct stemmed words.

Document frequencies and average lengths are cached for ``STATS_SECONDS``: BM25's statistics lag that long behind
the writes, which moves no score noticeably, while the hits themselves are always the committed ones.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

from index.archive.pg_manifest import PgManifest
from index.archive.rows import date_and_source_sql
from index.chunking import Chunk
from index.filters import ChunkFilter

K1, B = 1.2, 0.75
STATS_SECONDS = 60.0
# How many passages (by the words' document frequencies) the first, pruned scoring pass may read.
CANDIDATES = 5000
_FIELDS = ("title_terms", "text_terms")

# One field's BM25 for one chunk: the query's words kept from the chunk's tsvector (marked with weight A by
# setweight and kept by ts_filter), each word's count of positions is its frequency.
_FIELD_SCORE = """
COALESCE((SELECT SUM(q.idf * cardinality(u.positions) * {k1p1}
                     / (cardinality(u.positions) + {k1} * (1 - {b} + {b} * length(h.{field}) / {avg})))
          FROM unnest(ts_filter(setweight(h.{field}, 'A', %(lexemes)s), '{{a}}')) AS u
          JOIN unnest(%(lexemes)s::text[], %(idf_{field})s::float8[]) AS q(lexeme, idf) ON q.lexeme = u.lexeme), 0)
"""


class PgLexicalIndex:
    """BM25 search over the chunks of a PostgreSQL manifest; writes are the manifest's own.

    Args:
        manifest: the archive's manifest in the database.
    """

    def __init__(self, manifest: PgManifest) -> None:
        self.manifest = manifest
        self._stats_guard = threading.Lock()
        self._stats_at = 0.0
        self._chunks = 0
        self._average: dict[str, float] = {}
        self._frequencies: dict[tuple[str, str], int] = {}
        # Score only the passages holding a rarer word even when that cannot be proven exact (measured in docs).
        self.approximate = True

    def replace(self, article_ids: Sequence[str], chunks: Iterable[Chunk]) -> None:
        """Nothing to do: the manifest's transaction indexes the chunks it writes."""

    def search(
        self, words: Sequence[str], k: int, where: ChunkFilter | None = None, *, titles_only: bool = False
    ) -> list[tuple[str, float]]:
        """The ids and BM25 scores of the ``k`` chunks that best match ``words`` and pass ``where``, best first.

        Args:
            words: lower-case query words (stemmed here as the text was).
            k: how many to return.
            where: which chunks may be returned (default: all).
            titles_only: match headlines only, one hit (the first chunk) per article.
        """
        where = where or ChunkFilter()
        if not words or where.matches_nothing:
            return []
        db = self.manifest._read  # noqa: SLF001 - this index is the manifest's own tables
        lexemes = [row[0] for row in db.raw.execute(
            "SELECT DISTINCT lexeme FROM unnest(to_tsvector('english', %s))", (" ".join(words),)
        )]
        if not lexemes:
            return []
        fields = ("title_terms",) if titles_only else _FIELDS
        params: dict[str, Any] = {"lexemes": lexemes, "k": k, **self._idf(db, lexemes)}
        clauses, filter_params = _filter_sql(where, titles_only)
        params.update(filter_params)
        score = " + ".join(
            _FIELD_SCORE.format(field=field, k1=K1, k1p1=K1 + 1, b=B, avg=max(self._average[field], 1.0))
            for field in fields
        )
        # MaxScore: the passages holding one of the question's rarer words are scored first (by every word). A passage
        # holding only the common ones scores at most the sum of their bounds, so if the k-th score found reaches that
        # sum the top k are exact; otherwise every passage with any of the words is scored.
        essential, rest = self._split(lexemes, fields)
        found = self._scored(db, score, fields, essential, clauses, params)
        if rest and not self.approximate and (
            len(found) < k or found[-1][1] < sum(self._bound(lexeme, fields) for lexeme in rest)
        ):
            found = self._scored(db, score, fields, lexemes, clauses, params)
        return found

    def _scored(self, db: Any, score: str, fields: Sequence[str], matching: Sequence[str], clauses: list[str],
                params: dict[str, Any]) -> list[tuple[str, float]]:
        # The passages holding one of ``matching`` that pass the filters, scored by every query word, best first.
        matches = " OR ".join(f"{field} @@ %(query)s::tsquery" for field in fields)
        sql = (
            f"SELECT h.chunk_id, {score} AS score FROM chunks AS h WHERE ({matches})"
            + "".join(f" AND {clause}" for clause in clauses)
            + " ORDER BY score DESC, h.chunk_id LIMIT %(k)s"
        )
        query = " | ".join(_quoted(lexeme) for lexeme in matching)
        return [(chunk_id, float(value)) for chunk_id, value in db.raw.execute(sql, {**params, "query": query})]

    def _split(self, lexemes: list[str], fields: Sequence[str]) -> tuple[list[str], list[str]]:
        # The rarest words, as many as keep the passages holding them under CANDIDATES (at least one), and the rest.
        rows = {lexeme: sum(self._frequencies[field, lexeme] for field in fields) for lexeme in lexemes}
        essential: list[str] = []
        total = 0
        for lexeme in sorted(lexemes, key=lambda lexeme: rows[lexeme]):
            if essential and total + rows[lexeme] > CANDIDATES:
                break
            essential.append(lexeme)
            total += rows[lexeme]
        return essential, [lexeme for lexeme in lexemes if lexeme not in essential]

    def _bound(self, lexeme: str, fields: Sequence[str]) -> float:
        # The most one word can add to a passage's score: BM25's saturation caps each field's share at idf * (k1 + 1).
        return sum(self._idf_of(field, lexeme) * (K1 + 1) for field in fields)

    def _idf(self, db: Any, lexemes: list[str]) -> dict[str, list[float]]:
        with self._stats_guard:
            if time.monotonic() - self._stats_at > STATS_SECONDS:
                row = db.raw.execute(
                    "SELECT COUNT(*), AVG(length(title_terms)), AVG(length(text_terms)) FROM chunks"
                ).fetchone()
                if abs(int(row[0]) - self._chunks) > 0.01 * max(self._chunks, 1):
                    self._frequencies.clear()  # the archive has grown or shrunk enough to count again
                self._chunks = int(row[0])
                self._average = {"title_terms": float(row[1] or 0), "text_terms": float(row[2] or 0)}
                self._stats_at = time.monotonic()
            for field in _FIELDS:
                for lexeme in lexemes:
                    if (field, lexeme) not in self._frequencies:
                        self._frequencies[field, lexeme] = int(db.raw.execute(
                            f"SELECT COUNT(*) FROM chunks WHERE {field} @@ %s::tsquery", (_quoted(lexeme),)
                        ).fetchone()[0])
            return {f"idf_{field}": [self._idf_of(field, lexeme) for lexeme in lexemes] for field in _FIELDS}

    def _idf_of(self, field: str, lexeme: str) -> float:
        # BM25's inverse document frequency, as tantivy computes it.
        df = self._frequencies[field, lexeme]
        return math.log(1 + (self._chunks - df + 0.5) / (df + 0.5))


def _quoted(lexeme: str) -> str:
    # A lexeme as a tsquery operand: quoted, so that no character in it is read as an operator.
    return "'" + lexeme.replace("'", "''") + "'"


def _filter_sql(where: ChunkFilter, titles_only: bool) -> tuple[list[str], dict[str, Any]]:
    # The manifest's own date and source conditions (one meaning of each filter for every index), renamed to this
    # query's named parameters; then the article filters, which must cut here for LIMIT to keep k passages.
    shared, values = date_and_source_sql(where)
    params = {f"where_{i}": value for i, value in enumerate(values)}
    names = iter(params)
    clauses = [re.sub(r"\?", lambda _: f"%({next(names)})s", clause) for clause in shared]
    if titles_only:
        clauses.append("h.n = 0")
    if where.article_ids is not None:
        clauses.append("h.article_id = ANY(%(only)s)")
        params["only"] = sorted(where.article_ids)
    if where.exclude:
        clauses.append("NOT (h.article_id = ANY(%(exclude)s))")
        params["exclude"] = sorted(where.exclude)
    return clauses, params
