"""Bounded reading: gzip streamed under a decompressed-size cap, whole files and lines under size caps, and text
decoded by BOM, then UTF-8, then a Windows/Latin-1 fallback.

Nothing here reads more than :mod:`index.loaders.limits` allows; running past a bound raises
:class:`~index.loaders.limits.ReadLimitError` (or yields an over-long line as ``None``), which readers turn into a
located problem.
"""

from __future__ import annotations

import codecs
import gzip
import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from index.loaders import limits
from index.loaders.limits import ReadLimitError, mib

logger = logging.getLogger(__name__)

# Longest first: the UTF-32-LE BOM begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
UTF8 = "utf-8"


@dataclass(frozen=True)
class Decoded:
    """Text and the encoding it was read with (``utf-8`` unless a BOM or a failed UTF-8 decode said otherwise)."""

    text: str
    encoding: str


def sniff_bom(head: bytes) -> tuple[str | None, int]:
    """The encoding a byte-order mark at the start of ``head`` names, and the mark's length (``None, 0`` if none)."""
    for mark, encoding in _BOMS:
        if head.startswith(mark):
            return encoding, len(mark)
    return None, 0


def decode(data: bytes) -> Decoded:
    """Text from bytes: the encoding a BOM names, else UTF-8, else cp1252 (Windows), else Latin-1 (never fails).

    Example:
        >>> decode("caf\\u00e9".encode("utf-16")).encoding, decode(b"caf\\xe9 \\x93q\\x94").text
        ('utf-16-le', 'café “q”')
    """
    encoding, skip = sniff_bom(data[:4])
    if encoding is not None:
        text = data[skip:].decode(encoding, errors="replace")  # the BOM is the file's own word on its encoding
        return Decoded(text, encoding)
    for candidate in (UTF8, "cp1252"):
        try:
            return Decoded(data.decode(candidate), candidate)
        except UnicodeDecodeError:
            continue
    return Decoded(data.decode("latin-1"), "latin-1")


class _Metered(io.RawIOBase):
    """A binary stream that fails once more than ``cap`` bytes came out of it (the gzip bomb guard)."""

    def __init__(self, inner: IO[bytes], cap: int | None, path: Path) -> None:
        super().__init__()
        self._inner, self._cap, self._path, self.total = inner, cap, path, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        count = self._inner.readinto(buffer)  # type: ignore[attr-defined]
        self.total += count
        if self._cap is not None and self.total > self._cap:
            raise ReadLimitError(
                f"gzip decompresses to more than {mib(self._cap)}, over {limits.MAX_GZIP_RATIO}x its compressed "
                "size (a gzip bomb?); records before it were read, check the file"
            )
        return int(count)

    def close(self) -> None:
        self._inner.close()
        super().close()


@contextmanager
def open_bounded(path: Path) -> Iterator[io.BufferedReader]:
    """The file's bytes as a buffered stream, gunzipped on the fly under the gzip bound if it ends in ``.gz``."""
    if path.suffix.lower() == ".gz":
        cap = max(limits.MIN_GZIP_ALLOWANCE, limits.MAX_GZIP_RATIO * path.stat().st_size)
        inner: IO[bytes] = gzip.open(path, "rb")
    else:
        cap, inner = None, open(path, "rb")  # noqa: SIM115 - closed by the wrapper below
    # A small buffer, as gzip's own: at a truncated end, only the records in the last buffer are lost.
    with io.BufferedReader(_Metered(inner, cap, path)) as stream:
        yield stream


def read_capped(path: Path, limit: int) -> bytes:
    """The whole (gunzipped) file, read in pieces; raises ReadLimitError past ``limit`` bytes."""
    too_large = ReadLimitError(
        f"file is larger than {mib(limit)} (decompressed), more than a news file of this kind ever is; "
        "split it into smaller files (or JSON Lines)"
    )
    if path.suffix.lower() != ".gz" and path.stat().st_size > limit:
        raise too_large  # known without reading; a file that is not a regular one is still cut off below
    parts: list[bytes] = []
    size = 0
    with open_bounded(path) as stream:
        while piece := stream.read(limits.READ_CHUNK):
            size += len(piece)
            if size > limit:
                raise too_large
            parts.append(piece)
    return b"".join(parts)


@dataclass(frozen=True)
class Line:
    """One physical line: its 1-based number, its text (``None`` when longer than the line bound) and encoding."""

    number: int
    text: str | None
    encoding: str


def iter_lines(path: Path) -> Iterator[Line]:
    """Lines of a text file, gunzipped on the fly, each at most ``MAX_LINE_BYTES``; an over-long one is skipped in
    bounded pieces and yielded with ``text=None``. A truncated .gz raises a GZIP_ERRORS error at the cut."""
    limit = limits.MAX_LINE_BYTES
    with open_bounded(path) as stream:
        encoding, skip = sniff_bom(stream.peek(4)[:4])
        if encoding is not None and encoding != UTF8:
            yield from _wide_lines(stream, encoding, skip, limit)
            return
        number = 0
        while raw := stream.readline(limit + 1):
            number += 1
            if len(raw) > limit and not raw.endswith(b"\n"):
                while (rest := stream.readline(limits.READ_CHUNK)) and not rest.endswith(b"\n"):
                    pass  # skip the rest of the over-long line without holding it
                yield Line(number, None, UTF8)
                continue
            decoded = decode(raw)
            text = decoded.text.removeprefix("\ufeff") if number == 1 else decoded.text
            yield Line(number, text, decoded.encoding)


def _wide_lines(stream: io.BufferedReader, encoding: str, skip: int, limit: int) -> Iterator[Line]:
    # UTF-16/32 newlines are several bytes wide, so lines are cut after decoding; the limit counts characters.
    stream.read(skip)
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
    number = 0
    while line := text.readline(limit + 1):
        number += 1
        if len(line) > limit and not line.endswith("\n"):
            while (rest := text.readline(limits.READ_CHUNK)) and not rest.endswith("\n"):
                pass
            yield Line(number, None, encoding)
            continue
        yield Line(number, line, encoding)
    text.detach()


def note_encoding(path: Path, encoding: str) -> None:
    """Log a file read as anything but UTF-8, so the choice is on record."""
    if encoding != UTF8:
        logger.info("%s: not UTF-8; read as %s", path, encoding)
