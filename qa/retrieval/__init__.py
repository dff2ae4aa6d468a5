"""From a query to ranked passages: hybrid search, filters and time (see :mod:`qa.retrieval.retriever`)."""

from qa.retrieval.retriever import Retriever
from qa.retrieval.timeparse import TimeScope, resolve_time

__all__ = ["Retriever", "TimeScope", "resolve_time"]
