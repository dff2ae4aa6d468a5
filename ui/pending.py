"""The model's draft as it is written, shown on one terminal line marked unchecked, and erased before the checked
answer is printed: a claim the citation check rejects is never left on screen as if it were fact."""

from __future__ import annotations

import shutil
from typing import TextIO

_CLEAR_LINE = "\r\x1b[2K"  # carriage return, then erase the whole line
_DIM, _RESET = "\x1b[2m", "\x1b[0m"
LABEL = "checking the draft: "


class PendingLine:
    """One status line holding the tail of the draft so far.

    Args:
        stream: a terminal (the CLI passes stderr, and only when it is a TTY).
        width: the terminal's width in characters (default: asked of the terminal).

    Example:
        >>> import io
        >>> screen = io.StringIO()
        >>> line = PendingLine(screen, width=60)
        >>> line.update("Petro won"); line.update(" the election [1].")
        >>> screen.getvalue().split(_CLEAR_LINE)[-1].endswith("won the election [1]." + _RESET)
        True
        >>> line.clear(); screen.getvalue().split(_CLEAR_LINE)[-1]
        ''
    """

    def __init__(self, stream: TextIO, width: int | None = None) -> None:
        self._stream = stream
        self._width = width or shutil.get_terminal_size().columns
        self._draft = ""

    def update(self, piece: str) -> None:
        """Add a piece of the draft and redraw the line (its tail, if it is longer than the line)."""
        self._draft += piece
        room = max(10, self._width - len(LABEL) - 1)
        tail = " ".join(self._draft.split())[-room:]
        self._stream.write(f"{_CLEAR_LINE}{_DIM}{LABEL}{tail}{_RESET}")
        self._stream.flush()

    def clear(self) -> None:
        """Erase the line, leaving the cursor at its start."""
        self._stream.write(_CLEAR_LINE)
        self._stream.flush()
