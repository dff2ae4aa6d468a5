"""The language model as a yes/no judge: does this passage sentence state this answer to this question?

Embedding resemblance cannot tell "Petro won the election" from "Garcia Cano reported that Petro won" or "Johnson
could replace Hunt" from "Hunt could replace Johnson": the words are the same. A judge that reads the question, the
claimed answer and the source sentence together can, because it is asked about the *role* the question asks about.

The judge is scored by the probability the model gives to "yes" against "no" as its first token (one token
generated, so a call costs only its short prompt), not by the text it writes: a probability can be thresholded and
measured, and it never rambles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qa.llm.base import LLM, Message

JUDGE_SYSTEM = "You check answers against news text. Reply with one word: yes or no."


def support_messages(question: str, claim: str, passage: str) -> list[Message]:
    """The judge's prompt for one (passage, answer) pair; the passage comes first so pairs of one passage share a
    prefix. Without a question, the judge asks whether the passage states the claim."""
    asked = (f"Question: {question}\nAnswer: {claim}\nDoes the passage say that this is the answer to the question?"
             if question else f"Claim: {claim}\nDoes the passage state this claim?")
    return [
        Message(role="system", content=JUDGE_SYSTEM),
        Message(role="user", content=f"Passage: {passage}\n{asked}"),
    ]


def yes_probability(logprobs: dict[str, float], text: str) -> float:
    """P(yes) / (P(yes) + P(no)) over the first-token candidates; the reply's word alone when there are none.

    Example:
        >>> round(yes_probability({"yes": math.log(0.6), "No": math.log(0.2)}, "yes"), 2)
        0.75
        >>> yes_probability({}, "No.")
        0.0
    """
    yes = no = 0.0
    for token, logprob in logprobs.items():
        word = token.strip().strip(".,!").lower()
        if word == "yes":
            yes += math.exp(logprob)
        elif word == "no":
            no += math.exp(logprob)
    if yes + no == 0.0:
        word = text.strip().strip(".,!").lower()
        return 1.0 if word.startswith("yes") else 0.0
    return yes / (yes + no)


@dataclass
class Judge:
    """Asks the model yes/no questions about passages and answers.

    Args:
        llm: the model (the answering model: it is loaded already).
        threshold: the P(yes) at or above which the judge says yes.
    """

    llm: LLM
    threshold: float = 0.5

    def _ask(self, messages: list[Message]) -> float:
        completion = self.llm.complete(messages, max_tokens=1, top_logprobs=10)
        return yes_probability(completion.first_token_logprobs, completion.text)

    def supports(self, question: str, claim: str, passage: str) -> float:
        """P(yes) that ``passage`` states ``claim`` as the answer to ``question``.

        Raises:
            LLMError: the model failed.
        """
        return self._ask(support_messages(question, claim, passage))
