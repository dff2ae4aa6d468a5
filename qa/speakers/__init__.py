"""Who said what: "What has X said about Y?" answered with X's dated statements on Y."""

from qa.speakers.questions import SpeakerQuery, load_aliases, parse_speaker_question, speaker_search_text
from qa.speakers.statements import statement_answer, topical_statements

__all__ = [
    "SpeakerQuery",
    "load_aliases",
    "parse_speaker_question",
    "speaker_search_text",
    "statement_answer",
    "topical_statements",
]
