"""Questions to cited answers over a news archive: :class:`Desk` is the one entry, and this module its face.

Everything a user needs is importable from here: the Desk, its settings, the search filter, the result types, the
LLM protocol and backends, and the errors.
"""

from index.reference import ArticleRef
from qa.desk import AnswerStream, Desk
from qa.errors import (
    ArchiveBusyError,
    ArchiveNotFoundError,
    ArchiveSettingsError,
    EmptyIndexError,
    EmptyQuestionError,
    FilterError,
    IngestError,
    InvalidArgumentError,
    LLMError,
    ModelError,
    NewsDeskError,
    QuestionTooLongError,
    SettingsError,
)
from qa.filters import SearchFilters
from qa.llm import LLM, Completion, CompletionStream, FakeLLM, LocalLLM, Message, OpenAICompatibleLLM
from qa.sample import EXAMPLE_QUESTION, sample_archive_path
from qa.settings import AnswerSettings, LLMSettings, Settings
from qa.timeline import Timeline, TimelineBucket, TimelineEntry, build_timeline
from qa.types import Answer, Citation, Hit, Timings

__all__ = [
    "Desk",
    "AnswerStream",
    "Settings",
    "LLMSettings",
    "AnswerSettings",
    "SearchFilters",
    "Answer",
    "ArticleRef",
    "Citation",
    "Hit",
    "Timings",
    "Timeline",
    "TimelineBucket",
    "TimelineEntry",
    "build_timeline",
    "LLM",
    "Completion",
    "CompletionStream",
    "FakeLLM",
    "LocalLLM",
    "Message",
    "OpenAICompatibleLLM",
    "NewsDeskError",
    "InvalidArgumentError",
    "QuestionTooLongError",
    "IngestError",
    "ArchiveNotFoundError",
    "ArchiveSettingsError",
    "ArchiveBusyError",
    "EmptyIndexError",
    "ModelError",
    "LLMError",
    "EmptyQuestionError",
    "FilterError",
    "SettingsError",
    "EXAMPLE_QUESTION",
    "sample_archive_path",
]
