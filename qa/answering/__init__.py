"""From passages to a checked answer: evidence, the prompt, the sentence check, multiple choice."""

from qa.answering.answer import ABSTAIN_TEXT, build_messages, citations_for, compose, is_abstention
from qa.answering.choice_evidence import evidence_scores
from qa.answering.choose import ChoicePick, llm_probabilities
from qa.answering.evidence import Evidence, select_evidence
from qa.answering.support import check_answer

__all__ = [
    "ABSTAIN_TEXT",
    "build_messages",
    "citations_for",
    "compose",
    "is_abstention",
    "ChoicePick",
    "evidence_scores",
    "llm_probabilities",
    "Evidence",
    "select_evidence",
    "check_answer",
]
