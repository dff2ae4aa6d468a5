"""How much the loaders read of one file, line or record, and why each bound is where it is.

A hostile or broken file (a gzip bomb, a 50 MB "article", JSON nested 10,000 deep, a line with no end) must cost
only itself: every reader stops at these bounds and reports a located :class:`~index.loaders.base.LoadProblem`,
and the batch goes on. Each bound is far above anything a real news archive holds, so no real article is refused.

Memory bound: the loaders hold at most one file of a whole-file format (JSON document ≤ 256 MiB, page, feed or
text file ≤ 32 MiB) or one line/row of a streamed one (JSON Lines, CSV: ≤ 16 MiB), plus the Python objects parsed
from it (a few times its size), however large or compressed the input; gzip is decompressed in 1 MiB pieces and never
read past these bounds or past :data:`MAX_GZIP_RATIO` times its compressed size.

Tests lower these module constants with ``monkeypatch`` to stay fast; the readers look them up at call time.
"""

from __future__ import annotations

MiB = 1024 * 1024

# A JSON document (one object or a list of articles) is parsed whole, so its size is its memory cost, several
# times over once parsed. 256 MiB holds ~50,000 articles; larger exports should be JSON Lines, which stream.
MAX_JSON_DOCUMENT_BYTES = 256 * MiB

# One HTML page, RSS/Atom feed or text file. A saved news page is well under 5 MiB even with inline images and a
# feed under 10 MiB; the HTML parser's tree costs ~10x the page, so 32 MiB keeps it near 300 MiB.
MAX_PAGE_BYTES = 32 * MiB

# One JSON Lines line or CSV row (all its physical lines). It must hold one article of MAX_ARTICLE_CHARS
# (index.articles) even when every character is escaped (\\uXXXX, 6 bytes); 16 MiB is ~8x that.
MAX_LINE_BYTES = 16 * MiB

# Text news compresses 3-10x with gzip (JSON Lines with repeated keys up to ~15x); a bomb of zeros ~1,000x.
# Reading stops once the decompressed size passes this many times the file's size, and never before
# MIN_GZIP_ALLOWANCE, so a small but very repetitive file is still read.
MAX_GZIP_RATIO = 100
MIN_GZIP_ALLOWANCE = 64 * MiB

# Bytes decompressed per read; the unit in which the gzip bound is checked.
READ_CHUNK = 1 * MiB


class ReadLimitError(Exception):
    """A file ran past one of the bounds above; ``reason`` is the one-line problem to report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def mib(size: int) -> str:
    """A byte count for people: ``16 MiB``."""
    return f"{size / MiB:,.0f} MiB" if size >= MiB else f"{size:,} bytes"
