"""Errors raised by the answering layer; the ``index`` ones are re-exported so users import one place."""

from __future__ import annotations

from index.errors import (
    ArchiveBusyError,
    ArchiveNotFoundError,
    ArchiveSettingsError,
    EmptyIndexError,
    FilterError,
    IngestError,
    InvalidArgumentError,
    ModelError,
    NewsDeskError,
)

__all__ = [
    "NewsDeskError",
    "InvalidArgumentError",
    "IngestError",
    "ArchiveNotFoundError",
    "ArchiveSettingsError",
    "ArchiveBusyError",
    "EmptyIndexError",
    "ModelError",
    "LLMError",
    "EmptyQuestionError",
    "QuestionTooLongError",
    "MAX_QUESTION_CHARS",
    "FilterError",
    "SettingsError",
]


class LLMError(NewsDeskError):
    """The language model could not be reached or returned something unusable."""


class EmptyQuestionError(InvalidArgumentError):
    """The question is empty or only whitespace."""


# The longest question (or search query) answered, in characters: about 500 tokens, an eighth of the bundled model's
# context, so the passages still fit beside it.
MAX_QUESTION_CHARS = 2_000


class QuestionTooLongError(InvalidArgumentError):
    """The question is longer than ``MAX_QUESTION_CHARS`` characters (a pasted page rather than a question)."""


class SettingsError(InvalidArgumentError):
    """A setting names something that does not exist (an unknown model, backend or speakers file)."""
