"""What every reader shares: result types, transparent gzip, and turning errors into problems."""

from __future__ import annotations

import gzip
import logging
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.articles import Article, article_from_record
from index.errors import IngestError
from index.loaders import limits
from index.loaders.limits import ReadLimitError, mib
from index.loaders.reading import UTF8, read_capped

logger = logging.getLogger(__name__)


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

    def __post_init__(self) -> None:
        # One readable line whatever a parser's message held (field names and feed errors can carry line breaks).
        flat = " ".join(self.reason.split())
        object.__setattr__(self, "reason", flat if len(flat) <= _REASON_CHARS else flat[: _REASON_CHARS - 1] + "…")

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


_REASON_CHARS = 400

Reader = Callable[[Path], Iterator["Loaded | LoadProblem"]]

# Errors a damaged gzip stream raises part-way through reading.
GZIP_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error)


def base_suffix(path: Path) -> str:
    """The suffix that decides the format: ``a.jsonl.gz`` -> ``.jsonl``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def read_whole(path: Path, limit: int) -> bytes | LoadProblem:
    """The file's bytes (gunzipped, at most ``limit`` of them), or the problem that stopped reading them."""
    try:
        return read_capped(path, limit)
    except ReadLimitError as exc:
        return LoadProblem(str(path), None, exc.reason)
    except GZIP_ERRORS as exc:
        return damaged_gzip(path, exc)
    except OSError as exc:
        return LoadProblem(str(path), None, f"cannot read file ({exc.strerror or exc})")


def too_long_line(path: Path, line: int) -> LoadProblem:
    """The problem reported for a line (or CSV row) past the line bound."""
    return LoadProblem(
        str(path),
        line,
        f"line is longer than {mib(limits.MAX_LINE_BYTES)}, more than any news record; fix or remove the line",
    )


def damaged_gzip(path: Path, exc: BaseException, line: int | None = None) -> LoadProblem:
    """The problem reported for a cut-off or corrupt .gz file."""
    return LoadProblem(
        str(path),
        line,
        f"damaged or truncated gzip ({exc.__class__.__name__}); records before it were read, re-copy the file",
    )


def to_loaded(path: Path, record: Any, line: int | None, encoding: str = UTF8) -> Loaded | LoadProblem:
    """Turn one raw record into an article, or into the problem that stops it.

    A file not read as UTF-8 says so in the article's metadata (``text_encoding``), so the choice is on record.
    """
    if encoding != UTF8 and isinstance(record, dict):
        record = {**record, "text_encoding": encoding}
    try:
        return Loaded(article_from_record(record), str(path), line)
    except IngestError as exc:
        return LoadProblem(str(path), line, str(exc))
    except (RecursionError, MemoryError) as exc:
        return LoadProblem(str(path), line, f"record too large or deeply nested to read ({exc.__class__.__name__})")
    except Exception as exc:  # noqa: BLE001 - one odd record must cost only itself; the traceback is logged
        logger.exception("%s:%s: unexpected error reading a record", path, line)
        return unexpected(path, line, exc)


def unexpected(path: Path, line: int | None, exc: Exception) -> LoadProblem:
    """The problem reported when reading a record or file failed in a way newsdesk did not foresee."""
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    return LoadProblem(
        str(path),
        line,
        f"could not be read ({exc.__class__.__name__}: {detail}); skipped, please report it with the file",
    )
