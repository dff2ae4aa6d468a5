"""Errors raised by the answering layer; the ``index`` ones are re-exported so users import one place."""

from __future__ import annotations

from index.errors import ArchiveNotFoundError, EmptyIndexError, IngestError, ModelError, NewsDeskError

__all__ = [
    "NewsDeskError",
    "IngestError",
    "ArchiveNotFoundError",
    "EmptyIndexError",
    "ModelError",
    "LLMError",
    "CitationError",
    "EmptyQuestionError",
]


class LLMError(NewsDeskError):
    """The language model could not be reached or returned something unusable."""


class CitationError(NewsDeskError):
    """An answer's citations could not be resolved to passages."""


class EmptyQuestionError(NewsDeskError, ValueError):
    """The question is empty or only whitespace."""
