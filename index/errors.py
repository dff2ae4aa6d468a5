"""The error hierarchy of newsdesk, rooted here because ``index`` is the lowest layer.

Every condition a user can cause (a bad argument, a missing archive, a busy lock, a model that will not load) is a
:class:`NewsDeskError`; those about an argument are also ``ValueError``. The CLI and the UI catch
``NewsDeskError`` alone, so anything else is a bug and shows its traceback. Every message names the bad value and
what to do about it, so it reads as one line.
"""

from __future__ import annotations


class NewsDeskError(Exception):
    """Base class of every error newsdesk raises on purpose."""


class InvalidArgumentError(NewsDeskError, ValueError):
    """An argument is out of range or malformed (a ``ValueError`` too, for callers that catch those)."""


class FilterError(InvalidArgumentError):
    """A search filter is malformed or matches no publisher (e.g. ``since`` after ``until``, an unknown field)."""


class IngestError(NewsDeskError):
    """A file or record could not be read as news (the batch goes on without it)."""


class ArchiveNotFoundError(NewsDeskError):
    """The archive folder does not exist or holds no newsdesk index."""


class ArchiveSettingsError(NewsDeskError):
    """The archive was built with other index settings than the ones it is opened with."""


class ArchiveBusyError(NewsDeskError):
    """Another process kept the archive locked for writing for too long."""


class EmptyIndexError(NewsDeskError):
    """The archive exists but holds no articles yet."""


class ModelError(NewsDeskError):
    """A bundled model could not be found, assembled or verified."""


class ClusterError(NewsDeskError):
    """Distributed ingest could not run: Ray is not installed, or its cluster could not be started or reached."""
