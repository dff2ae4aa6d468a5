"""The OpenAI chat-completion wire format, which both backends read: llama.cpp's in-process server replies in it too.

:func:`parse_chat_completion` reads a whole reply; :class:`StreamReader` reads ``chat.completion.chunk`` events
into text pieces and, at the end, the whole :class:`~qa.llm.base.Completion`. Anything malformed is an LLMError
of one line that names its source.
"""

from __future__ import annotations

import json
from typing import Any

from qa.errors import LLMError
from qa.llm.base import Completion


class StreamReader:
    """Turns OpenAI ``chat.completion.chunk`` dicts into text pieces, and the whole into a Completion."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pieces: list[str] = []
        self.usage: dict[str, Any] = {}
        self.finished = False

    @property
    def started(self) -> bool:
        return bool(self.pieces)

    def feed(self, chunk: Any) -> str:
        if not isinstance(chunk, dict):
            raise LLMError(f"{self.source} sent a stream event that is not an object: {one_line(str(chunk), 80)!r}")
        if "error" in chunk:
            raise LLMError(f"{self.source} failed: {_error_text(chunk['error'])}")
        if isinstance(chunk.get("usage"), dict):
            self.usage = chunk["usage"]
        choices = chunk.get("choices")
        if not isinstance(choices, list) or (choices and not isinstance(choices[0], dict)):
            raise LLMError(
                f"{self.source} sent a stream event that is not a chat completion chunk: {one_line(str(chunk), 120)}"
            )
        if not choices:
            return ""  # the usage event has no choices
        if choices[0].get("finish_reason"):
            self.finished = True
        piece = (choices[0].get("delta") or {}).get("content") or ""
        if not isinstance(piece, str):
            raise LLMError(f"{self.source} sent a stream piece that is not text: {one_line(str(chunk), 120)}")
        if not self.pieces:
            piece = piece.lstrip()  # complete() strips the reply; the stream's first piece should match
        if piece:
            self.pieces.append(piece)
        return piece

    def finish(self) -> Completion:
        if not self.finished:
            raise LLMError(f"{self.source} ended its stream before the reply was finished")
        return Completion(
            text="".join(self.pieces).strip(),
            prompt_tokens=int(self.usage.get("prompt_tokens", 0)),
            completion_tokens=int(self.usage.get("completion_tokens", len(self.pieces))),
        )


def one_line(text: str, limit: int = 200) -> str:
    """``text`` on one line, cut to ``limit`` characters, for error messages.

    Example:
        >>> one_line("out of\\nmemory", 10)
        'out of me…'
    """
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _error_text(error: Any) -> str:
    if isinstance(error, dict) and "message" in error:
        return one_line(str(error["message"]))
    return one_line(str(error))


def parse_chat_completion(result: Any, source: str) -> Completion:
    """The Completion in an OpenAI ``chat.completion`` reply (a dict, or its JSON text) from ``source``.

    Raises:
        LLMError: the reply is an error, or not a chat completion.
    """
    if isinstance(result, str):
        try:
            result = json.loads(result)
        except json.JSONDecodeError as exc:
            raise LLMError(f"{source} returned something that is not JSON: {one_line(result, 80)!r}") from exc
    if not isinstance(result, dict):
        raise LLMError(f"{source} returned {type(result).__name__}, not a chat completion")
    if "error" in result:
        raise LLMError(f"{source} failed: {_error_text(result['error'])}")
    try:
        text = result["choices"][0]["message"]["content"] or ""
    except (KeyError, IndexError, TypeError) as exc:
        raise LLMError(f"{source} returned no message: {one_line(str(result))}") from exc
    usage = result.get("usage") or {}
    return Completion(
        text=text.strip(),
        prompt_tokens=int(usage.get("prompt_tokens", 0)),
        completion_tokens=int(usage.get("completion_tokens", 0)),
        first_token_logprobs=_first_token_logprobs(result),
    )


def _first_token_logprobs(result: dict[str, Any]) -> dict[str, float]:
    """``{token: logprob}`` of the first generated token's alternatives, from an OpenAI-style ``logprobs`` field."""
    try:
        first = result["choices"][0]["logprobs"]["content"][0]
        return {str(t["token"]): float(t["logprob"]) for t in first.get("top_logprobs") or [first]}
    except (KeyError, IndexError, TypeError, ValueError):
        return {}
