"""Readers that turn files and folders into Articles, one small reader per format.

:func:`load` walks paths (folders recursively, ``.gz`` transparently) and yields either a
:class:`Loaded` article or a :class:`LoadProblem`; a bad file or record never stops the batch. Every reader reads
within the bounds of :mod:`index.loaders.limits` (gzip bombs, huge lines, huge files) and decodes text by BOM, then
UTF-8, then cp1252/Latin-1 (:func:`index.loaders.reading.decode`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from index.loaders.base import GZIP_ERRORS, Loaded, LoadProblem, Reader, base_suffix, damaged_gzip, unexpected
from index.loaders.feeds import read_feed
from index.loaders.html import read_html
from index.loaders.limits import ReadLimitError
from index.loaders.records import read_json, read_jsonl
from index.loaders.tables import read_csv
from index.loaders.text import read_text

__all__ = ["Loaded", "LoadProblem", "load", "load_file", "discover", "SUPPORTED_SUFFIXES"]

READERS: dict[str, Reader] = {
    ".json": read_json,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".csv": read_csv,
    ".tsv": read_csv,
    ".html": read_html,
    ".htm": read_html,
    ".rss": read_feed,
    ".atom": read_feed,
    ".xml": read_feed,
    ".txt": read_text,
    ".md": read_text,
    ".markdown": read_text,
}
SUPPORTED_SUFFIXES = tuple(READERS)


def discover(paths: Iterable[str | Path]) -> Iterator[Path | LoadProblem]:
    """Yield every readable file under ``paths`` in a stable order, or a problem per bad path."""
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            yield LoadProblem(str(path), None, "no such file or folder; check the path")
        elif path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and base_suffix(p) in READERS
            )
            if not found:
                kinds = ", ".join(SUPPORTED_SUFFIXES)
                yield LoadProblem(str(path), None, f"folder holds no news files ({kinds}, optionally .gz)")
            yield from found
        elif base_suffix(path) not in READERS:
            kinds = ", ".join(SUPPORTED_SUFFIXES)
            yield LoadProblem(str(path), None, f"unsupported file type; newsdesk reads {kinds} (optionally .gz)")
        else:
            yield path


def load(paths: Iterable[str | Path]) -> Iterator[Loaded | LoadProblem]:
    """Read every article under ``paths``.

    Example:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "a.jsonl").write_text('{"title": "T", "text": "Body."}\\n{"foo": 1}\\n')
        >>> [type(item).__name__ for item in load([folder])]
        ['Loaded', 'LoadProblem']
    """
    for item in discover(paths):
        if isinstance(item, LoadProblem):
            yield item
        else:
            yield from load_file(item)


def load_file(path: Path) -> Iterator[Loaded | LoadProblem]:
    """The articles of one file that :func:`discover` found, or its problems; whatever goes wrong costs this file
    only. Distributed ingest (``index.distributed``) reads each file in a task of its own with this."""
    return _guarded(path, READERS[base_suffix(path)])


def _guarded(path: Path, reader: Reader) -> Iterator[Loaded | LoadProblem]:
    """The reader's items; whatever escapes it ends this file with one problem, never the batch."""
    line: int | None = None
    try:
        for item in reader(path):
            line = item.line
            yield item
    except ReadLimitError as exc:
        yield LoadProblem(str(path), line, exc.reason)
    except GZIP_ERRORS as exc:
        yield damaged_gzip(path, exc, line)
    except (RecursionError, MemoryError) as exc:
        yield LoadProblem(str(path), line, f"too large or deeply nested to read ({exc.__class__.__name__}); skipped")
    except OSError as exc:
        yield LoadProblem(str(path), line, f"cannot read file ({exc.strerror or exc})")
    except Exception as exc:  # noqa: BLE001 - a reader's unforeseen failure costs its file only; traceback logged
        logging.getLogger(__name__).exception("%s: unexpected error reading the file", path)
        yield unexpected(path, line, exc)
