"""What people type into newsdesk and what its errors show them, shared by the CLI, the web app and the HTTP API:
dates typed in a field, and messages with the server's file paths taken out."""

from __future__ import annotations

import re
from datetime import datetime, time

from index.articles import parse_date
from qa import FilterError

# An absolute path of two or more parts (/home/ann/.newsdesk/archive, C:\data\x), but not the path of a URL
# (…//host/v1): where an archive lives on the server is not the reader's business.
_PATH = re.compile(r"(?<![\w:/.~-])~?(?:[A-Za-z]:)?(?:[/\\][\w.~+-]+){2,}[/\\]?")
ON_SERVER = "(a folder on the server)"


def parse_day(value: str | None, field: str, *, end_of_day: bool = False) -> datetime | None:
    """A date typed in a field (``2024-02-06``, or any date style the archive reads), or None when it is blank.

    Args:
        value: what was typed.
        field: the field's name, for the message.
        end_of_day: a bare day means through its last second (for "until" and "as of").

    Raises:
        FilterError: the text is not a date; the message names the field.

    Example:
        >>> parse_day("2024-02-06", "until", end_of_day=True).isoformat()
        '2024-02-06T23:59:59+00:00'
        >>> parse_day("  ", "since") is None
        True
        >>> parse_day("soon", "as_of")
        Traceback (most recent call last):
        index.errors.FilterError: as_of: 'soon' is not a date; use YYYY-MM-DD or ISO 8601
    """
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    try:
        parsed = parse_date(text)
    except ValueError:
        raise FilterError(f"{field}: {text[:40]!r} is not a date; use YYYY-MM-DD or ISO 8601") from None
    if parsed is not None and end_of_day and parsed.time() == time(0, 0):
        parsed = parsed.replace(hour=23, minute=59, second=59)
    return parsed


def without_paths(message: BaseException | str, replacement: str = ON_SERVER) -> str:
    """An error's message on one line, with file paths replaced.

    Example:
        >>> without_paths("no archive at /home/ann/.newsdesk; run newsdesk ingest")
        'no archive at (a folder on the server); run newsdesk ingest'
        >>> without_paths("cannot reach http://127.0.0.1:8080/v1/chat")
        'cannot reach http://127.0.0.1:8080/v1/chat'
    """
    text = " ".join(str(message).split()) or type(message).__name__
    return _PATH.sub(replacement, text)
