"""The language model as a judge of an answer's support: does this passage sentence give this answer to this question?

Embedding resemblance cannot tell "Petro won the election" from "Garcia Cano reported that Petro won" or "Johnson
could replace Hunt" from "Hunt could replace Johnson": the words are the same. A judge that reads the question, the
claimed answer and the source sentence together can, because it is asked about the *role* the question asks about.

It judges one of two ways (``answer.judge``):

- ``yes-no``: asked whether the passage gives the answer, scored by the probability the model gives to "yes" against
  "no" as its first token (one token generated, so a call costs only its short prompt): a probability can be
  thresholded and measured, and it never rambles.
- ``reread``: the model answers the question again from the supporting passage alone, in a few words copied from
  it, without seeing the claim; the claim stands only if that reading names one of the claim's new words (a reading
  of "none" rejects it too: the passage, read alone, does not give that answer; one that only repeats the question
  is no evidence either way). Reading a passage for one answer is an easier task than judging another's: "Which
  island nation plunged into chaos, prompting its leader to flee?" read from "Sri Lanka's president fled to
  Singapore" gives "Sri Lanka", which rejects the claim "Singapore". The quoted lead is read the same way.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from index.text import content_words, strip_markers
from qa.llm.backends import make_llm
from qa.llm.base import LLM, Message
from qa.settings import Settings

JUDGE_SYSTEM = "You check answers against news text. Reply with one word: yes or no."
REREAD_SYSTEM = (
    "Answer the question with a few words copied from the passage. If the passage does not say, reply: none."
)
_REREAD_TOKENS = 16  # a name, a date or a number, with room for "Lt. Nyota Uhura in Star Trek"
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def support_messages(question: str, claim: str, passage: str) -> list[Message]:
    """The judge's prompt for one (passage, answer) pair; the passage comes first so pairs of one passage share a
    prefix. Without a question, the judge asks whether the passage states the claim."""
    asked = (f"Question: {question}\nAnswer: {claim}\nDoes the passage say that this is the answer to the question?"
             if question else f"Claim: {claim}\nDoes the passage state this claim?")
    return [
        Message(role="system", content=JUDGE_SYSTEM),
        Message(role="user", content=f"Passage: {passage}\n{asked}"),
    ]


def reread_messages(question: str, passage: str) -> list[Message]:
    """The prompt that asks the model to answer ``question`` from ``passage`` alone, in the passage's words."""
    return [
        Message(role="system", content=REREAD_SYSTEM),
        Message(role="user", content=f"Passage: {passage}\nQuestion: {question}"),
    ]


def _terms(text: str) -> set[str]:
    """Content words split at hyphens ("seven-week" holds "seven"), without a possessive ("Lanka's" is "lanka"), and
    numbers whole ("41.6", not "41"); a ``[n]`` marker is no number."""
    plain = strip_markers(text)
    words = {w.removesuffix("'s").removesuffix("’s") for w in content_words(plain.replace("-", " "))}
    return words | set(_NUMBER.findall(plain))


def agrees(question: str, claim: str, reading: str) -> bool:
    """Whether a model's own reading of the supporting passage agrees with the claim: it names one of the claim's
    new words (those the question lacks), or only repeats the question's words, which is no evidence either way. A
    reading of "none" disagrees: read alone, the passage does not give the answer the claim takes from it.

    Example:
        >>> q = "Which island nation plunged into chaos, prompting its leader to flee?"
        >>> agrees(q, "The island nation is Singapore [2].", "Sri Lanka"), agrees(q, "Sri Lanka did [1].", "Sri Lanka")
        (False, True)
        >>> agrees(q, "Sri Lanka did [1].", "none"), agrees(q, "Sri Lanka did [1].", "the island nation")
        (False, True)
        >>> agrees("How much have prices risen?", "By 41.6% [1].", "38.4%")
        False
        >>> agrees("How many were hurt?", "Dozens were hurt [2].", "2")  # the marker is no answer of 2
        False
    """
    if _finds_nothing(reading):
        return False
    asked = _terms(question)
    named = _terms(reading) - asked
    return not named or bool(named & (_terms(claim) - asked))


def _finds_nothing(reading: str) -> bool:
    # The reply the prompt asks for when the passage does not say ("none", "None.", or nothing at all).
    return re.sub(r"\W", "", reading).lower() in ("", "none")


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
    """Asks the model about passages and answers (see the module docstring for the two methods).

    Args:
        llm: the model (the answering model: it is loaded already).
        method: ``yes-no`` or ``reread``.
        threshold: the P(yes) at or above which the yes/no judge says yes.
    """

    llm: LLM
    method: Literal["yes-no", "reread"] = "yes-no"
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

    def reads(self, question: str, passage: str) -> str:
        """The model's own short answer to ``question`` from ``passage`` alone ("none" when it finds none).

        Raises:
            LLMError: the model failed.
        """
        return self.llm.complete(reread_messages(question, passage), max_tokens=_REREAD_TOKENS).text.strip()

    @property
    def reads_quotes(self) -> bool:
        """Whether :meth:`rejects_quote` can reject a quote (only the re-reading judge tests them)."""
        return self.method == "reread"

    def rejects_quote(self, question: str, quote: str, passage: str) -> str | None:
        """Why the quoted source sentence ``quote`` (read in ``passage``, the quote with the sentence before it) does
        not answer ``question``; None when it does, or when this judge does not test quotes (``yes-no``).

        A quote is the source's own words, so only re-reading tests it: the model, reading the passage, finds no
        answer ("none"), or names one the quote does not give (the sentence before it does: "Netflix announced that
        the wildly popular show is green lit" names no show).

        Raises:
            LLMError: the model failed.
        """
        if not self.reads_quotes:
            return None
        return self._reread(question, quote, passage)

    def _reread(self, question: str, claim: str, passage: str) -> str | None:
        reading = self.reads(question, passage)
        if agrees(question, claim, reading):
            return None
        if _finds_nothing(reading):
            return "read alone, the passage gives no answer"
        return f"read alone, the passage answers otherwise ({reading[:80]!r})"

    def rejects(self, question: str, claim: str, passage: str) -> str | None:
        """Why ``passage`` does not give ``claim`` as the answer to ``question`` by this judge's method; None when
        it does.

        Raises:
            LLMError: the model failed.
        """
        if self.method == "reread":
            return self._reread(question, claim, passage)
        probability = self.supports(question, claim, passage)
        if probability >= self.threshold:
            return None
        return f"the passage does not state this as the answer (judge {probability:.2f})"


def judge_for(settings: Settings, llm: LLM) -> Judge | None:
    """The judge ``answer.judge`` names (None when off), reading with ``answer.judge_model`` when one is set and with
    the answering model ``llm`` otherwise: the bundled 1.5B can judge what the fast 0.5B writes."""
    method = settings.answer.judge
    if method == "off":
        return None
    model = settings.answer.judge_model
    reader = make_llm(settings.llm.model_copy(update={"model": model}), settings.cache_dir) if model else llm
    return Judge(reader, method=method)
