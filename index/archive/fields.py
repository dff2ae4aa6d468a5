"""How a filter on an article's fields (``SearchFilters.metadata``, ``--where``) compares values.

Records name topics, tags and authors as lists (a JSON array) or as one comma-separated string ("tea, cocoa,
coffee"); a filter names one of them (``topics=cocoa``), so a list matches when any element does. Text compares
without regard to case or surrounding spaces, since users type it; numbers compare as numbers.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from index.errors import FilterError

# Article columns that a filter may name besides the record's own fields.
ARTICLE_FIELDS = ("authors", "url")


def field_matches(stored: Any, wanted: Any) -> bool:
    """Whether a stored field value matches the filter's ``wanted`` value, element-wise for a list.

    Example:
        >>> field_matches("tea, cocoa, coffee", "Cocoa"), field_matches(["a", "b"], "c"), field_matches(2, "2")
        (True, False, True)
    """
    if isinstance(stored, list):
        return any(field_matches(element, wanted) for element in stored)
    if isinstance(stored, str) and "," in stored and not (isinstance(wanted, str) and "," in wanted):
        return any(_same(part, wanted) for part in stored.split(",")) or _same(stored, wanted)
    return _same(stored, wanted)


def _same(stored: Any, wanted: Any) -> bool:
    if isinstance(stored, str) or isinstance(wanted, str):
        # "--where page=2" gives the text "2", and a record may hold the number 2; text compares in any case.
        return str(stored).strip().casefold() == str(wanted).strip().casefold()
    if isinstance(stored, bool) or isinstance(wanted, bool):
        return stored is wanted
    return bool(stored == wanted)


def articles_with(db: sqlite3.Connection, metadata: dict[str, Any]) -> list[str]:
    """The ids of the manifest's articles that match every field of ``metadata``, in id order.

    A field is one of the original record's (``topics``, ``section``, ...) or an article column in
    ``ARTICLE_FIELDS`` (``authors``, ``url``); a list-valued one matches when one of its elements does.

    Raises:
        FilterError: a field that is neither an article column nor in any stored record (the message lists the
            known fields).
    """
    return matching_articles(metadata, lambda name: _field_values(db, name))


def matching_articles(metadata: dict[str, Any], values: Callable[[str], list[tuple[str, Any]]]) -> list[str]:
    """The ids, in order, of the articles whose every field of ``metadata`` matches, given ``values(name)``: every
    article that has the field ``name``, with its decoded value (each database reads them in its own JSON dialect).
    """
    kept: set[str] | None = None
    for name, wanted in metadata.items():
        matching = {aid for aid, stored in values(name) if field_matches(stored, wanted)}
        kept = matching if kept is None else kept & matching
    return sorted(kept or ())


def unknown_field(name: str, keys: Iterable[str]) -> FilterError:
    """The error for a filter on a field no stored article has, naming the fields there are (``keys``: the
    records' own)."""
    known = ", ".join(sorted({*ARTICLE_FIELDS, *keys}))
    return FilterError(f"no stored article has a field {name!r}; the fields you can filter on are {known}")


def _field_values(db: sqlite3.Connection, name: str) -> list[tuple[str, Any]]:
    # Every article that has the field, with its value decoded (JSON arrays as lists).
    if name in ARTICLE_FIELDS:
        rows = db.execute(f"SELECT article_id, {name} FROM articles WHERE {name} IS NOT NULL").fetchall()
        return [(aid, json.loads(v) if name == "authors" else v) for aid, v in rows]
    path = f'$."{name}"'
    rows = db.execute(
        "SELECT article_id, json_extract(metadata, ?), json_type(metadata, ?) FROM articles "
        "WHERE json_type(metadata, ?) IS NOT NULL",
        (path, path, path),
    ).fetchall()
    if not rows:
        keys = db.execute("SELECT DISTINCT j.key FROM articles, json_each(articles.metadata) AS j")
        raise unknown_field(name, (row[0] for row in keys))
    return [(aid, json.loads(v) if kind in ("array", "object") else v) for aid, v, kind in rows]
