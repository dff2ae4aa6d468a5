"""The language-model interface: messages, completions, the LLM protocol, prompt budgets, and a fake.

The real backends (a bundled GGUF run in-process by llama.cpp, any OpenAI-compatible endpoint) are in
:mod:`qa.llm.backends`; :func:`qa.llm.backends.make_llm` picks one from the settings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Protocol

from pydantic import BaseModel, Field

from qa.errors import LLMError


class Message(BaseModel):
    """One chat message."""

    role: str
    content: str


class Completion(BaseModel):
    """What a model returned, with token counts."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    first_token_logprobs: dict[str, float] = Field(
        default_factory=dict, description="Log-probabilities of the likeliest first tokens, when asked for."
    )


class LLM(Protocol):
    """A chat model. The model's own chat template is applied by the backend.

    ``last_usage`` is the reply of the last finished ``complete`` or ``stream`` call of this object,
    with its token counts (None before the first). Shared objects serve one caller at a time for it.
    """

    name: str
    last_usage: Completion | None

    def complete(self, messages: list[Message], *, max_tokens: int = 256, stop: list[str] | None = None) -> Completion:
        """The model's reply to ``messages``."""
        ...

    def stream(self, messages: list[Message], *, max_tokens: int = 256, stop: list[str] | None = None) -> Iterator[str]:
        """The model's reply to ``messages``, piece by piece as it is generated.

        The pieces joined and stripped are the reply's text. Nothing is sent before the first piece is
        asked for; once the iterator is exhausted, ``last_usage`` holds the whole reply and its token counts.
        Closing the iterator early stops generation. A failure, even mid-stream, raises LLMError.
        """
        ...


def estimate_prompt_tokens(messages: list[Message]) -> int:
    """An over-estimate of the tokens ``messages`` take in a chat prompt, without the model's tokenizer.

    cl100k tokens of the text (Qwen's tokenizer needs about as many for English, fewer for many other
    languages) plus 10% and the chat template's markers, so a prompt that passes fits.

    Example:
        >>> estimate_prompt_tokens([Message(role="user", content="Who won?")]) > 3
        True
    """
    from index.chunking import count_tokens  # cl100k, offline: the tokenizer the retrieval budgets use

    text_tokens = sum(count_tokens(m.content) for m in messages)
    # Each message is wrapped in role markers (~5 tokens); Qwen adds a ~20-token system prompt when none is given.
    return int(text_tokens * 1.1) + 8 * len(messages) + 32


def check_prompt_budget(prompt_tokens: int, *, max_tokens: int, n_ctx: int, model: str) -> None:
    """Raise LLMError when a prompt of ``prompt_tokens`` leaves less than ``max_tokens`` of ``n_ctx`` for the reply.

    llama.cpp only refuses prompts longer than the whole context; one that leaves too little room would
    have its answer cut off silently, so this is checked before the model is called.

    Example:
        >>> check_prompt_budget(3000, max_tokens=256, n_ctx=4096, model="m")
        >>> check_prompt_budget(3900, max_tokens=256, n_ctx=4096, model="m")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        qa.errors.LLMError: prompt of 3900 tokens plus max_tokens=256 does not fit model m's context of 4096 tokens; ...
    """
    if prompt_tokens + max_tokens > n_ctx:
        raise LLMError(
            f"prompt of {prompt_tokens} tokens plus max_tokens={max_tokens} does not fit model {model}'s context "
            f"of {n_ctx} tokens; give it fewer or shorter passages (answer.sources, "
            f"answer.evidence_tokens), a smaller llm.max_tokens, or a larger llm.n_ctx"
        )


class FakeLLM:
    """Replays queued replies in order (the last one repeats); records every prompt it was sent.

    ``stream`` yields the reply in word pieces (``"Paris"``, ``" [1]."``). Token counts are words.

    Example:
        >>> llm = FakeLLM(["Paris [1]."])
        >>> llm.complete([Message(role="user", content="?")]).text
        'Paris [1].'
        >>> list(llm.stream([Message(role="user", content="?")]))
        ['Paris', ' [1].']
    """

    name = "fake"

    def __init__(self, replies: list[str] | None = None) -> None:
        self.replies = list(replies or ["I cannot answer that from the archive."])
        self.prompts: list[list[Message]] = []
        self.last_usage: Completion | None = None

    def _next(self, messages: list[Message]) -> tuple[str, int]:
        self.prompts.append(messages)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        return reply, sum(len(m.content.split()) for m in messages)

    def complete(
        self, messages: list[Message], *, max_tokens: int = 256, stop: list[str] | None = None, top_logprobs: int = 0
    ) -> Completion:
        """The next queued reply; with ``top_logprobs``, its first word is certain (log-prob 0)."""
        reply, prompt_tokens = self._next(messages)
        first = {reply.split()[0]: 0.0} if top_logprobs and reply.split() else {}
        self.last_usage = Completion(
            text=reply, prompt_tokens=prompt_tokens, completion_tokens=len(reply.split()), first_token_logprobs=first
        )
        return self.last_usage

    def stream(self, messages: list[Message], *, max_tokens: int = 256, stop: list[str] | None = None) -> Iterator[str]:
        """The next queued reply in word pieces, each but the first with its leading space."""
        reply, prompt_tokens = self._next(messages)
        pieces = re.findall(r"\s*\S+", reply.strip())
        yield from pieces
        self.last_usage = Completion(text=reply.strip(), prompt_tokens=prompt_tokens, completion_tokens=len(pieces))
