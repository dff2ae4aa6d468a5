"""Who said what: "What has X said about Y?" answered with X's dated statements on Y.

- :mod:`qa.speakers.aliases`: who speaks for whom (the bundled alias table and the user's file);
- :mod:`qa.speakers.questions`: recognising speaker questions and the search for them;
- :mod:`qa.speakers.statements`: the sentences where the speaker speaks;
- :mod:`qa.speakers.topics`: what the question's topic is, and whether a statement's words name it;
- :mod:`qa.speakers.answer`: the statements about the topic (words and embedding together), and the dated answer;
- :mod:`qa.speakers.attribution` and :mod:`qa.speakers.lexicon`: the pattern rules and word lists behind them.
"""

from qa.speakers.aliases import load_aliases
from qa.speakers.answer import statement_answer, topical_statements
from qa.speakers.questions import SpeakerQuery, parse_speaker_question, speaker_search_text

__all__ = [
    "SpeakerQuery",
    "load_aliases",
    "parse_speaker_question",
    "speaker_search_text",
    "statement_answer",
    "topical_statements",
]
