"""Reader for CSV and TSV: streamed row by row, strictly parsed, each row checked against the header.

Python's csv module, left lenient, stores whatever a broken quote produces: an unclosed quote swallows the rows
after it into one field, and a stray comma shifts every field after it. Here the parser is strict, every row must
have as many fields as the header, and a row that fails is reported at the line it starts on. When the parser
fails on a row of several lines (an unclosed quote that ran into another quote or the end of the file), reading
resumes at its second line, so the rows it swallowed are read on their own. A row of the wrong width is not
re-read: its lines may be a real multi-line field, whose lines must not pass for rows.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from index.loaders import limits
from index.loaders.base import GZIP_ERRORS, Loaded, LoadProblem, base_suffix, damaged_gzip, to_loaded, too_long_line
from index.loaders.limits import ReadLimitError, mib
from index.loaders.reading import UTF8, Line, iter_lines

_FIX = "fix the quoting (a field with a comma, quote or line break must be in double quotes, quotes doubled)"


class _RowTooLong(Exception):
    """A row's lines went past the line bound."""


class _Feed:
    """Physical lines for csv.reader, remembering those of the current row so a bad row can be re-read."""

    def __init__(self, lines: Iterator[Line]) -> None:
        self._lines = lines
        self.back: deque[Line] = deque()
        self.taken: list[Line] = []
        self.size = 0
        self.encoding = UTF8

    def start_row(self) -> None:
        self.taken, self.size, self.encoding = [], 0, UTF8

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        line = self.back.popleft() if self.back else next(self._lines)
        self.taken.append(line)
        if line.encoding != UTF8:
            self.encoding = line.encoding
        self.size += len(line.text) if line.text is not None else limits.MAX_LINE_BYTES + 1
        if self.size > limits.MAX_LINE_BYTES:
            raise _RowTooLong
        return line.text or ""

    def replay_after_first(self) -> None:
        """Read the current row's lines again, all but its first."""
        self.back.extendleft(reversed(self.taken[1:]))


def read_csv(path: Path) -> Iterator[Loaded | LoadProblem]:
    """A CSV (or TSV) with a header row; each row is one article, a malformed row a located problem."""
    delimiter = "\t" if base_suffix(path) == ".tsv" else ","
    feed = _Feed(iter_lines(path))
    header: list[str] | None = None
    # A row must fit the line bound, and so must each field of it.
    csv.field_size_limit(limits.MAX_LINE_BYTES)
    reader = csv.reader(feed, delimiter=delimiter, strict=True)
    where, failed = 1, False
    try:
        while True:
            feed.start_row()
            try:
                fields = next(reader)
            except StopIteration:
                break
            except (csv.Error, _RowTooLong) as exc:
                if not feed.taken:
                    break
                where, failed = feed.taken[0].number, True
                yield _bad_row(path, where, exc)
                if not isinstance(exc, _RowTooLong):
                    feed.replay_after_first()
                reader = csv.reader(feed, delimiter=delimiter, strict=True)  # a fresh parser: no half-read row
                continue
            where = feed.taken[0].number
            if not fields:
                continue  # a blank line
            if header is None:
                header = [name.strip() for name in fields]
                continue
            if len(fields) != len(header):
                failed = True
                yield LoadProblem(
                    str(path),
                    where,
                    f"malformed CSV row: {len(fields)} fields where the header has {len(header)}; {_FIX}",
                )
                continue
            yield to_loaded(path, dict(zip(header, fields, strict=True)), where, feed.encoding)
    except ReadLimitError as exc:
        failed = True
        yield LoadProblem(str(path), feed.taken[0].number if feed.taken else where, exc.reason)
    except GZIP_ERRORS as exc:
        failed = True
        yield damaged_gzip(path, exc, where)
    except OSError as exc:
        failed = True
        yield LoadProblem(str(path), None, f"cannot read file ({exc.strerror or exc})")
    if header is None and not failed:
        yield LoadProblem(
            str(path), None, "CSV is empty or has no header row; the first row must name the columns (title,text,...)"
        )


def _bad_row(path: Path, line: int, exc: Exception) -> LoadProblem:
    if isinstance(exc, _RowTooLong):
        return too_long_line(path, line)
    if "field larger than field limit" in str(exc):
        return LoadProblem(str(path), line, f"a field is longer than {mib(limits.MAX_LINE_BYTES)}; {_FIX}")
    return LoadProblem(str(path), line, f"malformed CSV ({exc}); {_FIX}")
