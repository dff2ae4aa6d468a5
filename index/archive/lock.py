"""The write lock of an archive: one writer at a time, across threads and processes.

Whoever changes an archive (an ingest, a delete, the repair of what a crash left, a format upgrade, the creation of a
new archive) holds ``<archive>/write.lock`` (``fcntl.flock``, exclusive) for the whole change. Two writers take
turns: the second waits, up to ``WAIT_SECONDS``, then is refused with one line naming the process that holds the
lock. Readers never take it: they read the manifest's committed state, which the write order keeps wholly searchable
(see ``index.archive.store``), so they neither wait for a writer nor repair what it is working on.

The lock is re-entrant within a thread (an ingest holds it, and each batch's write takes it again), and the threads
of one process take turns too: flock alone would not do, as every open of the file is a separate lock owner.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Protocol

from index.errors import ArchiveBusyError

logger = logging.getLogger(__name__)

LOCK_FILE = "write.lock"
# How long a writer waits for another to finish before it is refused. An ingest holds the lock until it ends, so
# this is how long a second ingest queues behind a first.
WAIT_SECONDS = 600.0
_POLL_SECONDS = 0.05


class _Owner:
    """The process-wide state of one archive's lock: which thread holds it, how deeply, and the open lock file."""

    def __init__(self) -> None:
        self.guard = threading.Lock()
        self.thread: int | None = None
        self.depth = 0
        self.handle: IO[str] | None = None
        self.server: ServerLock | None = None  # the server lock taken with the file, given back with it


_owners: dict[Path, _Owner] = {}
_owners_guard = threading.Lock()


def _owner(folder: Path) -> _Owner:
    key = folder.resolve()
    with _owners_guard:
        return _owners.setdefault(key, _Owner())


class ServerLock(Protocol):
    """A lock that a server holds for an archive shared by several machines (a PostgreSQL advisory lock)."""

    def acquire(self, deadline: float) -> bool:
        """Take it, trying until ``time.monotonic()`` passes ``deadline``; whether it was taken."""
        ...

    def release(self) -> None:
        """Give it back."""
        ...


class ArchiveLock:
    """The write lock of the archive at ``folder`` (created, with the folder, when first taken).

    Example:
        >>> import tempfile
        >>> lock = ArchiveLock(Path(tempfile.mkdtemp()) / "archive")
        >>> with lock.hold():
        ...     with lock.hold():  # re-entrant in the holding thread
        ...         lock.held()
        True
    """

    def __init__(self, folder: Path, server: ServerLock | None = None) -> None:
        self.folder = Path(folder).expanduser()
        # An archive whose parts live on servers is written from other machines too: their writers take the
        # server's lock, after this machine's (the file keeps this machine's processes and threads in order).
        self.server = server

    def held(self) -> bool:
        """Whether the calling thread holds the lock."""
        owner = _owner(self.folder)
        return owner.thread == threading.get_ident() and owner.depth > 0

    @contextlib.contextmanager
    def hold(self, *, wait: float | None = None) -> Iterator[bool]:
        """Hold the lock for the block; yields True when this is the outermost hold (the one that took it).

        Args:
            wait: seconds to wait for another writer (default ``WAIT_SECONDS``).

        Raises:
            ArchiveBusyError: another writer held it for longer than ``wait``.
        """
        if not self.acquire(WAIT_SECONDS if wait is None else wait):
            raise ArchiveBusyError(
                f"archive {self.folder} is being written by another process ({self.holder()}) and stayed locked for "
                f"{WAIT_SECONDS if wait is None else wait:.0f} s; run this again once that ingest or delete has ended"
            )
        outermost = _owner(self.folder).depth == 1
        try:
            yield outermost
        finally:
            self.release()

    def try_hold(self) -> contextlib.AbstractContextManager[bool]:
        """Hold the lock for the block only if nobody else does: yields whether it is held (readers repairing)."""
        taken = self.acquire(0.0)

        @contextlib.contextmanager
        def held() -> Iterator[bool]:
            try:
                yield taken
            finally:
                if taken:
                    self.release()

        return held()

    def acquire(self, wait: float) -> bool:
        """Take the lock, waiting up to ``wait`` seconds; whether it was taken."""
        owner = _owner(self.folder)
        me = threading.get_ident()
        if owner.thread == me:
            owner.depth += 1
            return True
        deadline = time.monotonic() + wait
        # First the other threads of this process, then the other processes.
        taken = owner.guard.acquire(timeout=wait) if wait > 0 else owner.guard.acquire(blocking=False)
        if not taken:
            return False
        try:
            handle = self._lock_file(deadline)
        except BaseException:
            owner.guard.release()
            raise
        if handle is not None and self.server is not None:
            try:
                taken = self.server.acquire(deadline)
            except BaseException:
                _unlock(handle)
                owner.guard.release()
                raise
            if not taken:
                _unlock(handle)
                handle = None
        if handle is None:
            owner.guard.release()
            return False
        owner.thread, owner.depth, owner.handle, owner.server = me, 1, handle, self.server
        return True

    def release(self) -> None:
        """Give back one hold; the last one unlocks the file."""
        owner = _owner(self.folder)
        owner.depth -= 1
        if owner.depth > 0:
            return
        handle, owner.handle, owner.thread = owner.handle, None, None
        server, owner.server = owner.server, None
        try:
            if server is not None:
                server.release()
        finally:
            if handle is not None:
                _unlock(handle)
            owner.guard.release()

    def holder(self) -> str:
        """Who holds the lock, as recorded in the file ("pid N"), for messages."""
        try:
            pid = (self.folder / LOCK_FILE).read_text().strip()
        except OSError:
            pid = ""
        return f"pid {pid}" if pid else "unknown process"

    def _lock_file(self, deadline: float) -> IO[str] | None:
        # The folder first: a new archive's lock exists before anything else of it.
        self.folder.mkdir(parents=True, exist_ok=True)
        handle = (self.folder / LOCK_FILE).open("a+")
        warned = False
        while True:
            if _try_flock(handle):
                handle.seek(0)
                handle.truncate()
                handle.write(str(os.getpid()))
                handle.flush()
                return handle
            if time.monotonic() >= deadline:
                handle.close()
                return None
            if not warned:
                logger.warning("archive %s is being written by another process (%s); waiting for it to finish",
                               self.folder, self.holder())
                warned = True
            time.sleep(_POLL_SECONDS)


def writer_at_work(folder: Path) -> bool:
    """Whether a writer holds the archive's lock now, found without taking it or creating anything."""
    # A shared flock on the lock file, when there is one, fails only while a writer holds it (creates nothing).
    try:
        import fcntl

        with (folder / LOCK_FILE).open("rb") as handle:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)  # released as the file closes
    except (ImportError, OSError) as exc:  # busy: a writer holds it; else not POSIX, or no writer ever made it
        return isinstance(exc, BlockingIOError)
    return False


def _try_flock(handle: IO[str]) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: threads still take turns
        return True
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(handle: IO[str]) -> None:
    try:
        import fcntl

        fcntl.flock(handle, fcntl.LOCK_UN)
    except ImportError:  # pragma: no cover - not POSIX
        pass
    finally:
        handle.close()
