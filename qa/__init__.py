"""Questions to cited answers over a news archive.

Example:
    >>> from qa import Desk
    >>> Desk.__name__
    'Desk'
"""

from qa.desk import Desk
from qa.errors import (
    ArchiveNotFoundError,
    CitationError,
    EmptyIndexError,
    EmptyQuestionError,
    IngestError,
    LLMError,
    ModelError,
    NewsDeskError,
)
from qa.llm.backends import LocalLLM, OpenAICompatibleLLM
from qa.llm.base import LLM, Completion, FakeLLM, Message
from qa.retrieval.retriever import SearchFilters
from qa.sample import EXAMPLE_QUESTION, sample_archive_path
from qa.settings import AnswerSettings, LLMSettings, Settings
from qa.types import Answer, Citation, Hit, Timings

__all__ = [
    "Desk",
    "Settings",
    "LLMSettings",
    "AnswerSettings",
    "SearchFilters",
    "Answer",
    "Citation",
    "Hit",
    "Timings",
    "LLM",
    "Completion",
    "FakeLLM",
    "LocalLLM",
    "Message",
    "OpenAICompatibleLLM",
    "NewsDeskError",
    "IngestError",
    "ArchiveNotFoundError",
    "EmptyIndexError",
    "ModelError",
    "LLMError",
    "CitationError",
    "EmptyQuestionError",
    "EXAMPLE_QUESTION",
    "sample_archive_path",
]
