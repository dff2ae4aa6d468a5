"""Reader for saved HTML pages: main text and metadata extracted by trafilatura."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import trafilatura

from index.loaders import limits
from index.loaders.base import Loaded, LoadProblem, read_whole, to_loaded
from index.loaders.reading import decode, note_encoding


def read_html(path: Path) -> Iterator[Loaded | LoadProblem]:
    """One article per page; boilerplate (menus, footers, ads) is left out by trafilatura."""
    raw = read_whole(path, limits.MAX_PAGE_BYTES)
    if isinstance(raw, LoadProblem):
        yield raw
        return
    decoded = decode(raw)
    note_encoding(path, decoded.encoding)
    page = decoded.text
    extracted = trafilatura.bare_extraction(page, with_metadata=True, include_comments=False, favor_precision=True)
    fields: dict[str, Any] = extracted.as_dict() if hasattr(extracted, "as_dict") else dict(extracted or {})
    if not fields.get("text"):
        yield LoadProblem(str(path), None, "no article text found in the HTML page (is it an index or a login page?)")
        return
    yield to_loaded(
        path,
        {
            "text": fields.get("text"),
            "title": fields.get("title"),
            "date": fields.get("date"),
            "source": fields.get("sitename"),
            "url": fields.get("url"),
            "author": fields.get("author"),
            "language": fields.get("language"),
        },
        None,
        decoded.encoding,
    )
