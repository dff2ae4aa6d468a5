"""Reader for plain text and Markdown: one article per file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from index.loaders import limits
from index.loaders.base import Loaded, LoadProblem, read_whole, to_loaded
from index.loaders.reading import decode, note_encoding

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_HEADING = re.compile(r"\A#{1,6}\s+(.+)\n")


def read_text(path: Path) -> Iterator[Loaded | LoadProblem]:
    """A text or Markdown file; ``key: value`` front matter (title, date, source, url) is read if present.

    The file name (without suffixes) becomes the article id, so editing the file updates the article.
    """
    raw = read_whole(path, limits.MAX_PAGE_BYTES)
    if isinstance(raw, LoadProblem):
        yield raw
        return
    decoded = decode(raw)
    note_encoding(path, decoded.encoding)
    text = decoded.text
    record: dict[str, object] = {"id": path.name.split(".")[0]}
    if match := _FRONT_MATTER.match(text):
        for line in match.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip():
                record[key.strip().lower()] = value.strip().strip("\"'")
        text = text[match.end() :]
    body = text.lstrip()
    if heading := _HEADING.match(body):
        record.setdefault("title", heading.group(1).strip())
        body = body[heading.end() :]
    record["text"] = body
    yield to_loaded(path, record, None, decoded.encoding)
