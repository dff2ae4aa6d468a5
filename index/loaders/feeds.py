"""Reader for RSS and Atom feeds (feedparser); each entry is one article."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser

from index.loaders import limits
from index.loaders.base import Loaded, LoadProblem, read_whole, to_loaded, unexpected

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_feed(path: Path) -> Iterator[Loaded | LoadProblem]:
    """Entries of an RSS/Atom feed; the feed's title is the publisher unless the link names one."""
    raw = read_whole(path, limits.MAX_PAGE_BYTES)
    if isinstance(raw, LoadProblem):
        yield raw
        return
    data = raw
    feed = feedparser.parse(data)
    if not feed.entries:
        why = f" ({feed.bozo_exception})" if feed.get("bozo") else ""
        yield LoadProblem(str(path), None, f"not an RSS/Atom feed with entries{why}")
        return
    feed_title = feed.feed.get("title")
    for position, entry in enumerate(feed.entries, start=1):
        try:
            record = _entryto_loaded(entry, feed_title)
        except Exception as exc:  # noqa: BLE001 - feedparser hands back odd shapes for junk; one entry costs itself
            yield unexpected(path, position, exc)
            continue
        yield to_loaded(path, record, position)


def _entryto_loaded(entry: Any, feed_title: str | None) -> dict[str, Any]:
    # Full content beats the summary when the feed carries both.
    contents = [c.get("value", "") for c in entry.get("content", []) if c.get("value")]
    body = max(contents, key=len) if contents else entry.get("summary")
    source = entry.get("source", {}).get("title") if isinstance(entry.get("source"), dict) else None
    return {
        "id": entry.get("id"),
        "title": entry.get("title"),
        "text": _strip_tags(body) if body else None,
        "date": entry.get("published") or entry.get("updated") or entry.get("created"),
        "url": entry.get("link"),
        "author": [a.get("name") for a in entry.get("authors", []) if a.get("name")] or entry.get("author"),
        "source": source,
        "feed": feed_title,
    }


def _strip_tags(markup: str) -> str:
    if "<" not in markup:
        return markup
    import lxml.html  # local: only feeds with HTML bodies need it

    # lxml refuses strings with control characters (ValueError), and the article text drops them anyway.
    markup = _CONTROL.sub(" ", markup)

    try:
        tree = lxml.html.fromstring(markup)
        for block in tree.iter("p", "br", "div", "li"):
            block.tail = "\n\n" + (block.tail or "")
        # A body that parses to a lone comment ("</p>&nbsp;<!---->") gives no element, whose text lxml refuses.
        return tree.text_content()
    except Exception:  # noqa: BLE001 - lxml raises several types for junk markup; keep the raw text then
        return markup
