"""Small text helpers of the web chat: how a date reads, and errors made fit for the page."""

from __future__ import annotations

from datetime import datetime

from ui.fields import without_paths


def day(value: datetime | None) -> str:
    """A date as a reader scans it, e.g. ``6 Feb 2024``; ``undated`` for none.

    Example:
        >>> day(datetime(2024, 2, 6, 18, 0)), day(None)
        ('6 Feb 2024', 'undated')
    """
    return f"{value.day} {value:%b %Y}" if value else "undated"


def readable(error: BaseException | str) -> str:
    """An error's one-line message for the page: no file paths (the server's layout is not the reader's business).

    Example:
        >>> readable("no archive at /home/ann/.newsdesk; run newsdesk ingest")
        'no archive at (a folder on the server); run newsdesk ingest'
        >>> readable("cannot reach http://127.0.0.1:8080/v1/chat")
        'cannot reach http://127.0.0.1:8080/v1/chat'
    """
    return without_paths(error)[:500]
