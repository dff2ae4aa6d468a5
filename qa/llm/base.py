"""The language-model interface: messages, completions, streams, the LLM protocol, prompt budgets, and a fake.

The real backends are :class:`qa.llm.local.LocalLLM` (a bundled GGUF run in-process by llama.cpp) and
:class:`qa.llm.openai.OpenAICompatibleLLM` (any OpenAI-compatible endpoint); :func:`qa.llm.backends.make_llm`
picks one from the settings.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from types import TracebackType
from typing import Protocol, runtime_checkable

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


class CompletionStream:
    """A reply arriving piece by piece; ``completion`` is the whole reply with its token counts once it is exhausted.

    The stream owns its result, so streams of one model running at the same time never see each other's counts.
    Nothing is sent before the first piece is asked for; closing the stream (or leaving its ``with`` block) early
    stops generation, and ``completion`` then stays None.

    Args:
        pieces: a generator of the reply's text pieces that returns the whole :class:`Completion` when done.

    Example:
        >>> def reply():
        ...     yield "Paris"
        ...     yield " [1]."
        ...     return Completion(text="Paris [1].", prompt_tokens=4, completion_tokens=2)
        >>> stream = CompletionStream(reply())
        >>> list(stream), stream.completion.completion_tokens
        (['Paris', ' [1].'], 2)
    """

    def __init__(self, pieces: Generator[str, None, Completion]) -> None:
        self._pieces = pieces
        self._completion: Completion | None = None

    @property
    def completion(self) -> Completion | None:
        """The whole reply and its token counts, once every piece was read; None before."""
        return self._completion

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        try:
            return next(self._pieces)
        except StopIteration as done:
            if self._completion is None and done.value is not None:
                self._completion = done.value
            raise

    def close(self) -> None:
        """Stop generating (a no-op once exhausted)."""
        self._pieces.close()

    def __enter__(self) -> CompletionStream:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


@runtime_checkable
class LLM(Protocol):
    """A chat model. The model's own chat template is applied by the backend.

    Implemented by :class:`qa.llm.local.LocalLLM`, :class:`qa.llm.openai.OpenAICompatibleLLM` and :class:`FakeLLM`
    (and wrappers such as the evals' ``RecordingLLM``). Each result carries its own token counts (a Completion, or
    a stream's ``completion``) and nothing about a call is left on the backend, so one backend may serve several
    callers at once.
    """

    name: str

    def complete(
        self, messages: list[Message], *, max_tokens: int = 256, stop: list[str] | None = None, top_logprobs: int = 0
    ) -> Completion:
        """The model's reply to ``messages``, with its token counts.

        With ``top_logprobs`` > 0, ``first_token_logprobs`` holds up to that many likeliest first tokens and their
        log-probabilities (empty when the backend cannot give them). Raises LLMError when the model fails.
        """
        ...

    def stream(
        self, messages: list[Message], *, max_tokens: int = 256, stop: list[str] | None = None
    ) -> CompletionStream:
        """The model's reply to ``messages``, piece by piece as it is generated.

        The pieces joined and stripped are the reply's text. Nothing is sent before the first piece is asked for;
        once the stream is exhausted, its ``completion`` holds the whole reply and its token counts. Closing the
        stream early stops generation. A failure, even mid-stream, raises LLMError.
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
        >>> stream = llm.stream([Message(role="user", content="Capital of France?")])
        >>> list(stream), stream.completion.prompt_tokens
        (['Paris', ' [1].'], 3)
    """

    name = "fake"

    def __init__(self, replies: list[str] | None = None) -> None:
        self.replies = list(replies or ["I cannot answer that from the archive."])
        self.prompts: list[list[Message]] = []

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
        return Completion(
            text=reply, prompt_tokens=prompt_tokens, completion_tokens=len(reply.split()), first_token_logprobs=first
        )

    def stream(
        self, messages: list[Message], *, max_tokens: int = 256, stop: list[str] | None = None
    ) -> CompletionStream:
        """The next queued reply in word pieces, each but the first with its leading space."""
        return CompletionStream(self._pieces(messages))

    def _pieces(self, messages: list[Message]) -> Generator[str, None, Completion]:
        reply, prompt_tokens = self._next(messages)  # on the first piece, as a real backend sends then
        pieces = re.findall(r"\s*\S+", reply.strip())
        yield from pieces
        return Completion(text=reply.strip(), prompt_tokens=prompt_tokens, completion_tokens=len(pieces))
