"""Any OpenAI-compatible ``/chat/completions`` endpoint (vLLM, Ollama, llama.cpp's server, hosted APIs), over httpx."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Generator
from typing import Any

from qa.errors import LLMError
from qa.llm.base import Completion, CompletionStream, Message
from qa.llm.wire import StreamReader, one_line, parse_chat_completion

logger = logging.getLogger(__name__)


class OpenAICompatibleLLM:
    """Any OpenAI-compatible chat endpoint (vLLM, Ollama, llama.cpp server, hosted APIs).

    Timeouts and connection failures are retried once (for a stream, only before its first piece),
    then raise LLMError with what to check.

    Args:
        base_url: the endpoint up to ``/chat/completions``, e.g. ``http://127.0.0.1:8080/v1``.
        model: the endpoint's model name.
        api_key: sent as a bearer token, if given.
        timeout_s: seconds to wait for a reply (for a stream: between two pieces).
        temperature: 0 makes replies repeatable.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout_s: float = 120.0,
        temperature: float = 0.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.name = model
        self.api_key = api_key
        self.timeout_s = timeout_s
        self.temperature = temperature

    @property
    def _url(self) -> str:
        return f"{self.base_url}/chat/completions"

    def _body(
        self, messages: list[Message], max_tokens: int, stop: list[str] | None, top_logprobs: int = 0
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.name,
            "messages": [m.model_dump() for m in messages],
            "max_tokens": max_tokens,
            "temperature": self.temperature,
        }
        if stop:
            body["stop"] = stop
        if top_logprobs:
            body.update(logprobs=True, top_logprobs=top_logprobs)
        return body

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def _http_error(self, status: int, text: str) -> LLMError:
        return LLMError(
            f"LLM endpoint {self._url} answered HTTP {status}: {one_line(text)!r}; check the model name and key"
        )

    def _unreachable(self, error: Exception | None) -> LLMError:
        return LLMError(
            f"LLM endpoint {self._url} is unreachable ({error.__class__.__name__}: {one_line(str(error))}); "
            f"check that the server is running and --llm-base-url is right"
        )

    def complete(
        self, messages: list[Message], *, max_tokens: int = 256, stop: list[str] | None = None, top_logprobs: int = 0
    ) -> Completion:
        """The endpoint's reply to ``messages`` (with ``top_logprobs``, the first tokens' log-probs if it gives them).

        Raises:
            LLMError: the endpoint is unreachable, refused the request, or answered something that is not a chat
                completion.
        """
        import httpx

        url = self._url
        last_error: Exception | None = None
        for attempt in range(2):
            try:
                response = httpx.post(
                    url,
                    json=self._body(messages, max_tokens, stop, top_logprobs),
                    headers=self._headers(),
                    timeout=self.timeout_s,
                )
            except (httpx.TransportError, httpx.TimeoutException) as exc:
                last_error = exc
                logger.warning("LLM endpoint %s failed (%s), attempt %d", url, exc.__class__.__name__, attempt + 1)
                time.sleep(0.5)
                continue
            if response.status_code >= 500 and attempt == 0:
                last_error = LLMError(f"HTTP {response.status_code}")
                continue
            if response.status_code >= 400:
                raise self._http_error(response.status_code, response.text)
            try:
                return parse_chat_completion(response.json(), f"LLM endpoint {url}")
            except (json.JSONDecodeError, ValueError) as exc:
                raise LLMError(
                    f"LLM endpoint {url} returned something that is not a chat completion: {one_line(str(exc))}"
                ) from exc
        raise self._unreachable(last_error) from last_error

    def stream(
        self, messages: list[Message], *, max_tokens: int = 256, stop: list[str] | None = None
    ) -> CompletionStream:
        """The endpoint's reply, piece by piece from its server-sent events; see :meth:`qa.llm.LLM.stream`.

        Asks for usage in the last event (``stream_options.include_usage``); an endpoint that sends none leaves the
        stream's ``completion.prompt_tokens`` at 0 and counts one completion token per piece.

        Raises:
            LLMError: as :meth:`complete`, also when the stream breaks off or sends something that is not a chat
                completion chunk.
        """
        return CompletionStream(self._pieces(messages, max_tokens, stop))

    def _pieces(
        self, messages: list[Message], max_tokens: int, stop: list[str] | None
    ) -> Generator[str, None, Completion]:
        import httpx

        url = self._url
        body = {**self._body(messages, max_tokens, stop), "stream": True, "stream_options": {"include_usage": True}}
        reader = StreamReader(f"LLM endpoint {url}")
        last_error: Exception | None = None
        for attempt in range(2):
            try:
                with httpx.stream("POST", url, json=body, headers=self._headers(), timeout=self.timeout_s) as response:
                    if response.status_code >= 500 and attempt == 0:
                        last_error = LLMError(f"HTTP {response.status_code}")
                        continue
                    if response.status_code >= 400:
                        raise self._http_error(response.status_code, response.read().decode(errors="replace"))
                    if not response.headers.get("content-type", "").startswith("text/event-stream"):
                        # Some servers ignore "stream" and answer in one piece; that is still a reply.
                        whole = self._one_piece(response.read(), url)
                        if whole.text:
                            yield whole.text
                        return whole
                    for line in response.iter_lines():
                        if not line.startswith("data:"):
                            continue  # blank separators, ": ping" comments, "event:" lines
                        data = line[5:].strip()
                        if data == "[DONE]":
                            reader.finished = True
                            break
                        try:
                            chunk = json.loads(data)
                        except json.JSONDecodeError as exc:
                            raise LLMError(
                                f"LLM endpoint {url} sent a stream event that is not JSON: {one_line(data, 80)!r}; "
                                f"check that it is an OpenAI-compatible server"
                            ) from exc
                        if piece := reader.feed(chunk):
                            yield piece
                    return reader.finish()
            except (httpx.TransportError, httpx.TimeoutException) as exc:
                if reader.started:
                    raise LLMError(
                        f"LLM endpoint {url} broke off mid-reply ({exc.__class__.__name__}: {one_line(str(exc))}); "
                        f"check the server's logs and --llm-timeout"
                    ) from exc
                last_error = exc
                logger.warning("LLM endpoint %s failed (%s), attempt %d", url, exc.__class__.__name__, attempt + 1)
                time.sleep(0.5)
        raise self._unreachable(last_error) from last_error

    def _one_piece(self, content: bytes, url: str) -> Completion:
        try:
            return parse_chat_completion(json.loads(content), f"LLM endpoint {url}")
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise LLMError(
                f"LLM endpoint {url} returned something that is neither a stream nor a chat completion: "
                f"{one_line(content.decode(errors='replace'), 80)!r}"
            ) from exc
