"""What every reader shares: result types, transparent gzip, and turning errors into problems."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.articles import Article, article_from_record
from index.errors import IngestError


@dataclass(frozen=True)
class Loaded:
    """An article read from ``path`` (at ``line`` for line-based formats)."""

    article: Article
    path: str
    line: int | None = None


@dataclass(frozen=True)
class LoadProblem:
    """A file or record that could not be read, and why."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


Reader = Callable[[Path], Iterator["Loaded | LoadProblem"]]

# Errors a damaged gzip stream raises part-way through reading.
GZIP_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error)


def base_suffix(path: Path) -> str:
    """The suffix that decides the format: ``a.jsonl.gz`` -> ``.jsonl``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def read_bytes(path: Path) -> bytes:
    """Whole file contents, gunzipped if it ends in ``.gz``."""
    if path.suffix.lower() == ".gz":
        with gzip.open(path, "rb") as handle:
            return handle.read()
    return path.read_bytes()


def read_whole(path: Path) -> bytes | LoadProblem:
    """The file's bytes (gunzipped), or the problem that stopped reading them."""
    try:
        return read_bytes(path)
    except GZIP_ERRORS as exc:
        return damaged_gzip(path, exc)
    except OSError as exc:
        return LoadProblem(str(path), None, f"cannot read file ({exc.strerror or exc})")


def decode(data: bytes) -> str:
    """Text from bytes: UTF-8 (with or without BOM), else Latin-1, which never fails."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def iter_lines(path: Path) -> Iterator[str]:
    """Lines of a text file, gunzipped on the fly; a truncated .gz raises a GZIP_ERRORS error at the cut."""
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as handle:  # type: ignore[operator]
        for raw in handle:
            yield decode(raw)


def damaged_gzip(path: Path, exc: BaseException, line: int | None = None) -> LoadProblem:
    """The problem reported for a cut-off or corrupt .gz file."""
    return LoadProblem(
        str(path),
        line,
        f"damaged or truncated gzip ({exc.__class__.__name__}); records before it were read, re-copy the file",
    )


def to_loaded(path: Path, record: Any, line: int | None) -> Loaded | LoadProblem:
    """Turn one raw record into an article, or into the problem that stops it."""
    try:
        return Loaded(article_from_record(record), str(path), line)
    except IngestError as exc:
        return LoadProblem(str(path), line, str(exc))
