"""Errors raised by the answering layer, and the check of a question that raises two of them; the ``index`` ones are
re-exported so users import one place."""

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
    "checked_question",
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


def checked_question(question: str) -> str:
    """The question (or search query) without its surrounding blanks.

    Raises:
        EmptyQuestionError: it is blank.
        QuestionTooLongError: it is longer than ``MAX_QUESTION_CHARS``.
    """
    if not isinstance(question, str) or not question.strip():
        raise EmptyQuestionError("the question is empty; ask something, e.g. 'What has Russia said about US strikes?'")
    question = question.strip()
    # A pasted page is not a question: it would crowd the passages out of the model's context (and slow BM25).
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionTooLongError(
            f"the question is {len(question):,} characters long; keep it under {MAX_QUESTION_CHARS:,} "
            "(ask about one thing, e.g. 'What has Russia said about US strikes?')"
        )
    return question
