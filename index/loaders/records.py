"""Readers for JSON documents and JSON Lines; every line and document is read under the bounds of
:mod:`index.loaders.limits`, and a record that cannot be read is reported where it stands."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from index.loaders import limits
from index.loaders.base import GZIP_ERRORS, Loaded, LoadProblem, damaged_gzip, read_whole, to_loaded, too_long_line
from index.loaders.limits import ReadLimitError
from index.loaders.reading import decode, iter_lines, note_encoding

# Keys under which JSON exports commonly nest their list of articles.
_LIST_KEYS = ("articles", "items", "data", "results", "documents", "docs", "entries", "records")
_TOO_DEEP = "JSON nested too deeply to read (news records nest a few levels); flatten or remove it"
_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")
# A JSON string or bracket, to step over an element too deep to parse and find where it ends.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def read_jsonl(path: Path) -> Iterator[Loaded | LoadProblem]:
    """One JSON object per line; a malformed, over-long or too deeply nested line is reported and skipped."""
    number = 0
    try:
        for line in iter_lines(path):
            number = line.number
            if line.text is None:
                yield too_long_line(path, number)
            elif line.text.strip():
                yield _one_line(path, line.text, number, line.encoding)
    except ReadLimitError as exc:
        yield LoadProblem(str(path), number + 1, exc.reason)  # the line being read when the bound was passed
    except GZIP_ERRORS as exc:
        yield damaged_gzip(path, exc, number + 1)
    except OSError as exc:
        yield LoadProblem(str(path), None, f"cannot read file ({exc.strerror or exc})")


def _one_line(path: Path, text: str, number: int, encoding: str) -> Loaded | LoadProblem:
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return LoadProblem(
            str(path), number, f"malformed JSON ({exc.msg} at column {exc.colno}); fix or remove the line"
        )
    except RecursionError:
        return LoadProblem(str(path), number, _TOO_DEEP)
    return to_loaded(path, record, number, encoding)


def read_json(path: Path) -> Iterator[Loaded | LoadProblem]:
    """A JSON document: one article, a list of them, or an object with a list under e.g. ``articles``.

    A ``.json`` file that is really JSON Lines is read as such. In a top-level list, an element nested too deeply
    to parse is reported by its position and the others are read.
    """
    raw = read_whole(path, limits.MAX_JSON_DOCUMENT_BYTES)
    if isinstance(raw, LoadProblem):
        yield raw
        return
    decoded = decode(raw)
    del raw  # the text alone is held while parsing
    note_encoding(path, decoded.encoding)
    text, encoding = decoded.text, decoded.encoding
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text.lstrip().startswith("{"):
            yield from _json_lines_in(path, text, encoding)
            return
        yield LoadProblem(str(path), exc.lineno, f"malformed JSON ({exc.msg} at column {exc.colno}); fix the file")
        return
    except RecursionError:
        if text.lstrip().startswith("["):
            yield from _list_elements(path, text, encoding)
        else:
            yield LoadProblem(str(path), None, _TOO_DEEP)
        return
    records = _records_in(document)
    if records is None:
        yield to_loaded(path, document, None, encoding)
        return
    if not records:
        yield LoadProblem(str(path), None, "JSON holds an empty list of articles")
    for position, record in enumerate(records, start=1):
        # For a list, "line" is the record's position: the best pointer a reader can follow.
        yield to_loaded(path, record, position, encoding)


def _json_lines_in(path: Path, text: str, encoding: str) -> Iterator[Loaded | LoadProblem]:
    for number, line in enumerate(io.StringIO(text), start=1):
        if line.strip():
            yield _one_line(path, line, number, encoding)


def _list_elements(path: Path, text: str, encoding: str) -> Iterator[Loaded | LoadProblem]:
    """The elements of a top-level JSON list one by one, stepping over those too deep for the parser."""
    at = _SPACE.match(text).end() + 1  # type: ignore[union-attr]  # past "["
    position = 0
    while True:
        at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
        if text.startswith("]", at):
            return
        position += 1
        try:
            element, at = _DECODER.raw_decode(text, at)
            yield to_loaded(path, element, position, encoding)
        except RecursionError:
            yield LoadProblem(str(path), position, _TOO_DEEP)
            at = _end_of_element(text, at)
        except json.JSONDecodeError as exc:
            yield LoadProblem(str(path), exc.lineno, f"malformed JSON ({exc.msg} at column {exc.colno}); fix the file")
            return
        at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
        if text.startswith(",", at):
            at += 1
        elif not text.startswith("]", at):
            yield LoadProblem(
                str(path), None, "malformed JSON (expected ',' or ']' after a list element); fix the file"
            )
            return


def _end_of_element(text: str, at: int) -> int:
    depth = 0
    for token in _JSON_TOKEN.finditer(text, at):
        mark = token.group()
        if mark in ("[", "{"):
            depth += 1
        elif mark in ("]", "}"):
            depth -= 1
            if depth == 0:
                return token.end()
    return len(text)


def _records_in(document: Any) -> list[Any] | None:
    if isinstance(document, list):
        return document
    if isinstance(document, Mapping):
        for key in _LIST_KEYS:
            value = document.get(key)
            if isinstance(value, list) and (not value or isinstance(value[0], Mapping)):
                return value
    return None
