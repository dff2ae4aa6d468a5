"""Conversations: a bounded history and follow-ups rewritten into standalone questions before retrieval.

"And what did Iran say?" cannot be searched on its own. When a message reads as a follow-up (a pronoun, a
leading "and"/"what about", or very few words), the LLM rewrites it into a standalone question from the recent
turns; the rewrite is checked (it must keep the follow-up's own words and stay short) and otherwise replaced by
the previous question joined with the follow-up, which hybrid search handles well. The rewrite is returned in
``Answer.rewritten_question`` so the reader sees what was searched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from index.chunking import count_tokens
from index.text import QUESTION_WORD, content_words, split_sentences, strip_markers
from qa.filters import SearchFilters
from qa.llm.base import Message
from qa.types import Answer

if TYPE_CHECKING:  # the Desk makes Chats, so a runtime import would be circular
    from qa.desk import Desk

REWRITE_PROMPT = (
    "Rewrite the user's last message as one standalone question that can be understood without the conversation. "
    "Keep the names, places and dates it refers to. Reply with the question only."
)
_FOLLOW_UP_START = re.compile(
    r"^\s*(and|but|so|also|then|what about|how about|and what|what else|why|how come|same for|now)\b", re.IGNORECASE
)
_REFERENCE = re.compile(r"\b(it|its|they|them|their|he|him|his|she|her|this|that|these|those|there|then|the same)\b",
                        re.IGNORECASE)


@dataclass(frozen=True)
class Turn:
    """One exchange: what the user typed, what was searched, and the answer text."""

    message: str
    question: str
    answer: str


@dataclass
class Chat:
    """A conversation over a Desk; ``ask`` takes the same filters as ``Desk.ask``.

    Args:
        desk: the archive and models.
        max_history_tokens: the token budget (cl100k, via tiktoken) of the turns shown to the rewriter; older
            turns are dropped first.
        filters: the conversation's filters, used by every turn unless a turn gives its own.

    Usage (tested in tests/qa/test_chat.py)::

        chat = desk.chat()
        chat.ask("What has Russia said about US strikes?")
        chat.ask("And what did Iran say?").rewritten_question  # e.g. 'What did Iran say about US strikes?'
    """

    desk: Desk
    max_history_tokens: int = 400
    filters: SearchFilters | None = None
    turns: list[Turn] = field(default_factory=list)

    def ask(self, message: str, filters: SearchFilters | None = None, **criteria: Any) -> Answer:
        """Answer ``message`` in the context of the conversation so far, and remember the turn.

        Args:
            message: what the user typed; a follow-up is rewritten into a standalone question first.
            filters, **criteria: which articles may be used, as in ``Desk.search``; ``filters`` replaces the
                conversation's own for this turn, keywords refine it.
        """
        question = self.standalone(message)
        answer = self.desk.ask(question, SearchFilters.of(filters or self.filters, **criteria))
        if question != message.strip():
            answer = answer.model_copy(update={"rewritten_question": question})
        self.turns.append(Turn(message.strip(), question, answer.text))
        return answer

    def reset(self) -> None:
        """Forget the conversation."""
        self.turns.clear()

    def history(self) -> list[Turn]:
        """The latest turns that fit ``max_history_tokens``, oldest first."""
        kept: list[Turn] = []
        used = 0
        for turn in reversed(self.turns):
            cost = count_tokens(f"{turn.question}\n{turn.answer}")
            if kept and used + cost > self.max_history_tokens:
                break
            kept.append(turn)
            used += cost
        return kept[::-1]

    def standalone(self, message: str) -> str:
        """The message as a question that stands alone: unchanged unless it reads as a follow-up."""
        message = message.strip()
        if not self.turns or not is_follow_up(message):
            return message
        history = self.history()
        previous = history[-1].question
        reply = self.desk.llm.complete(rewrite_messages(history, message), max_tokens=60).text.strip()
        rewrite = reply.splitlines()[0].strip().strip('"') if reply else ""
        earlier = [turn.question for turn in history]
        return rewrite if acceptable_rewrite(message, rewrite, earlier) else f"{previous} {message}"


def is_follow_up(message: str) -> bool:
    """Whether a message leans on earlier turns: a leading "and"/"what about", a pronoun, or only a word or two.

    Example:
        >>> is_follow_up("And what did Iran say?"), is_follow_up("When did the Senate pass the climate bill?")
        (True, False)
    """
    if _FOLLOW_UP_START.search(message) or _REFERENCE.search(message):
        return True
    return len(content_words(message)) <= 2


def rewrite_messages(history: list[Turn], message: str) -> list[Message]:
    """The prompt that asks the model for a standalone question."""
    lines = []
    for turn in history:
        lines.append(f"User: {turn.question}")
        lines.append(f"Assistant: {_first_sentence(turn.answer)}")
    lines.append(f"User: {message}")
    return [
        Message(role="system", content=REWRITE_PROMPT),
        Message(role="user", content="Conversation:\n" + "\n".join(lines) + "\n\nStandalone question:"),
    ]


def acceptable_rewrite(message: str, rewrite: str, earlier: list[str] | None = None) -> bool:
    """A rewrite keeps most of the follow-up's own words and what it asks (its question word), is a single short line,
    and is neither the message itself nor an ``earlier`` question (the small model often answers the request with
    the previous question).

    Example:
        >>> acceptable_rewrite("And what did Iran say?", "What did Iran say about US strikes?")
        True
        >>> acceptable_rewrite("And what did Iran say?", "I cannot help with that.")
        False
        >>> acceptable_rewrite("How did China respond?", "Where did China respond?")
        False
        >>> acceptable_rewrite("Who else quit?", "Who quit the cabinet?", ["Who quit the cabinet?"])
        False
    """
    if not rewrite or len(rewrite.split()) > 40 or rewrite.lower() == message.lower():
        return False
    if any(rewrite.lower() == question.strip().lower() for question in earlier or []):
        return False
    if _question_word(message) not in (None, _question_word(rewrite)):
        return False
    own = content_words(message)
    kept = own & content_words(rewrite)
    return not own or len(kept) / len(own) >= 0.5


def _question_word(text: str) -> str | None:
    # "What states …" asks what "Which states …" does.
    found = QUESTION_WORD.search(text)
    return None if found is None else found.group(1).lower().replace("which", "what")


def _first_sentence(text: str) -> str:
    # The answer's first sentence names the topic; the rest would only spend the small model's attention.
    sentences = split_sentences(text)
    return strip_markers(sentences[0].text) if sentences else ""

