"""Readers for record formats: JSON, JSON Lines and CSV/TSV."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from index.loaders.base import (
    GZIP_ERRORS,
    Loaded,
    LoadProblem,
    base_suffix,
    damaged_gzip,
    decode,
    iter_lines,
    read_whole,
    to_loaded,
)

# Keys under which JSON exports commonly nest their list of articles.
_LIST_KEYS = ("articles", "items", "data", "results", "documents", "docs", "entries", "records")

# News bodies in CSV exports routinely exceed csv's 128 KiB default field limit.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_jsonl(path: Path) -> Iterator[Loaded | LoadProblem]:
    """One JSON object per line; a malformed line is reported and skipped."""
    number = 0
    try:
        for number, line in enumerate(iter_lines(path), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield LoadProblem(
                    str(path), number, f"malformed JSON ({exc.msg} at column {exc.colno}); fix or remove the line"
                )
                continue
            yield to_loaded(path, record, number)
    except GZIP_ERRORS as exc:
        yield damaged_gzip(path, exc, number + 1)
    except OSError as exc:
        yield LoadProblem(str(path), None, f"cannot read file ({exc.strerror or exc})")


def read_json(path: Path) -> Iterator[Loaded | LoadProblem]:
    """A JSON document: one article, a list of them, or an object with a list under e.g. ``articles``.

    A ``.json`` file that is really JSON Lines is read as such.
    """
    raw = read_whole(path)
    if isinstance(raw, LoadProblem):
        yield raw
        return
    text = decode(raw)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text.lstrip().startswith("{"):
            yield from _json_lines_in(path, text)
            return
        yield LoadProblem(str(path), exc.lineno, f"malformed JSON ({exc.msg} at column {exc.colno}); fix the file")
        return
    records = _records_in(document)
    if records is None:
        yield to_loaded(path, document, None)
        return
    if not records:
        yield LoadProblem(str(path), None, "JSON holds an empty list of articles")
    for position, record in enumerate(records, start=1):
        # For a list, "line" is the record's position: the best pointer a reader can follow.
        yield to_loaded(path, record, position)


def _json_lines_in(path: Path, text: str) -> Iterator[Loaded | LoadProblem]:
    for number, line in enumerate(io.StringIO(text), start=1):
        if line.strip():
            try:
                yield to_loaded(path, json.loads(line), number)
            except json.JSONDecodeError as exc:
                yield LoadProblem(str(path), number, f"malformed JSON ({exc.msg}); fix or remove the line")


def _records_in(document: Any) -> list[Any] | None:
    if isinstance(document, list):
        return document
    if isinstance(document, Mapping):
        for key in _LIST_KEYS:
            value = document.get(key)
            if isinstance(value, list) and (not value or isinstance(value[0], Mapping)):
                return value
    return None


def read_csv(path: Path) -> Iterator[Loaded | LoadProblem]:
    """A CSV (or TSV) with a header row; each row is one article."""
    delimiter = "\t" if base_suffix(path) == ".tsv" else ","
    raw = read_whole(path)
    if isinstance(raw, LoadProblem):
        yield raw
        return
    text = decode(raw)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            # line_num is the physical line the row ended on (rows can span lines).
            clean = {k: v for k, v in row.items() if k is not None}
            yield to_loaded(path, clean, reader.line_num)
    except csv.Error as exc:
        yield LoadProblem(str(path), reader.line_num, f"malformed CSV ({exc}); fix the quoting")
