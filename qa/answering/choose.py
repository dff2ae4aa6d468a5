"""Picking one of given answers (multiple choice) from the archive's evidence.

Two signals, in order:

1. **Evidence match** (:mod:`qa.answering.choice_evidence`): a choice held by a retrieved sentence that is about
   the question scores that sentence's relevance (embedding similarity to the question plus question-word overlap,
   with a small bonus for better-ranked passages), more when several relevant sentences hold it. The best-evidenced
   choice wins when some choice appears at all, read by the quiz's conventions ("except:", "All of the above").
2. **The LLM, debiased**: when no choice appears in the evidence (or the evidence cannot decide), the model reads
   the selected excerpts and the lettered choices, and the probability of each letter is read from the first
   token's log-probs; the choices are shown in every cyclic order and the probabilities averaged, which cancels the
   small models' preference for "A" (the 0.5B model answered "A" to 48 of 60 questions in a plain letter prompt).
   llama.cpp's prompt cache makes each extra order cost only the few tokens of the choices.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from qa.answering.evidence import Evidence
from qa.llm.base import LLM, Message
from qa.types import Hit

LETTERS = "ABCDEFGHIJ"


class ChoicePick(BaseModel):
    """Which choice newsdesk picked, how, and how strongly each choice scored."""

    model_config = ConfigDict(frozen=True)

    question: str
    choices: list[str]
    index: int | None = Field(description="The picked choice (0-based); None when there were no choices.")
    method: str = Field(description="'evidence' or 'llm' (or 'none').")
    scores: list[float] = Field(description="Per choice: evidence score, or the LLM's averaged probability.")
    hits: list[Hit] = Field(default_factory=list, description="The passages the pick rests on.")

    @property
    def choice(self) -> str | None:
        """The picked choice's text."""
        return self.choices[self.index] if self.index is not None else None


def letter_messages(question: str, choices: Sequence[str], sources: Sequence[Evidence]) -> list[Message]:
    """The letter prompt: excerpts, question, lettered choices. The excerpts come first so orders share a prefix."""
    context = "\n\n".join(source.excerpt for source in sources)
    lines = "\n".join(f"{LETTERS[i]}. {choice}" for i, choice in enumerate(choices))
    return [
        Message(role="system", content="Answer the multiple-choice question about the news excerpts with one letter."),
        Message(role="user", content=f"News excerpts:\n{context}\n\nQuestion: {question}\n{lines}\nAnswer:"),
    ]


def llm_probabilities(llm: LLM, question: str, choices: Sequence[str], sources: Sequence[Evidence]) -> list[float]:
    """The model's probability of each choice, averaged over every cyclic order of the choices.

    Raises:
        LLMError: the model failed.
    """
    n = len(choices)
    totals = [0.0] * n
    for shift in range(n):
        order = [(shift + i) % n for i in range(n)]  # position i shows choice order[i]
        completion = llm.complete(
            letter_messages(question, [choices[j] for j in order], sources), max_tokens=1, top_logprobs=10
        )
        probs = _letter_probabilities(completion.first_token_logprobs, completion.text, n)
        for position, choice_index in enumerate(order):
            totals[choice_index] += probs[position] / n
    return totals


def _letter_probabilities(logprobs: dict[str, float], text: str, n: int) -> list[float]:
    """Normalised probabilities of the letters A.. for ``n`` choices; the reply's letter alone if no log-probs."""
    mass = [0.0] * n
    for token, logprob in logprobs.items():
        letter = token.strip().upper()
        if len(letter) == 1 and letter in LETTERS[:n]:
            mass[LETTERS.index(letter)] += math.exp(logprob)
    if not any(mass):
        letter = text.strip()[:1].upper()
        if letter in LETTERS[:n]:
            mass[LETTERS.index(letter)] = 1.0
    total = sum(mass)
    return [m / total for m in mass] if total else [1.0 / n] * n
