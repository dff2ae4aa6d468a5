"""The error hierarchy of newsdesk, rooted here because ``index`` is the lowest layer.

Every message names the bad value and what to do about it, so the CLI can print it
as one line.
"""

from __future__ import annotations


class NewsDeskError(Exception):
    """Base class of every error newsdesk raises on purpose."""


class IngestError(NewsDeskError):
    """A file or record could not be read as news (the batch goes on without it)."""


class ArchiveNotFoundError(NewsDeskError):
    """The archive folder does not exist or holds no newsdesk index."""


class EmptyIndexError(NewsDeskError):
    """The archive exists but holds no articles yet."""


class ModelError(NewsDeskError):
    """A bundled model could not be found, assembled or verified."""
