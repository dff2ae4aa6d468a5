"""Language-model backends behind one interface.

- :class:`LocalLLM` runs a bundled GGUF in-process with llama.cpp (xllamacpp), loaded once per process.
- :class:`OpenAICompatibleLLM` calls any OpenAI-compatible ``/chat/completions`` endpoint.
- :class:`FakeLLM` replays queued replies, for tests and docs.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel

from qa.bundled import BUNDLED_MODELS, bundled_model_path
from qa.errors import LLMError
from qa.settings import LLMSettings

logger = logging.getLogger(__name__)


class Message(BaseModel):
    """One chat message."""

    role: str
    content: str


class Completion(BaseModel):
    """What a model returned, with token counts."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


class LLM(Protocol):
    """A chat model. The model's own chat template is applied by the backend."""

    name: str

    def complete(self, messages: list[Message], *, max_tokens: int = 256, stop: list[str] | None = None) -> Completion:
        """The model's reply to ``messages``."""
        ...


class LocalLLM:
    """A bundled GGUF model run by llama.cpp in this process; the chat template comes from the GGUF.

    Loading takes about a second and ~700 MB for the 0.5B model, so one server per model file is
    shared by the whole process, and calls are serialised (llama.cpp runs one sequence at a time here).
    """

    _servers: dict[tuple[str, int, int], Any] = {}
    _lock = threading.Lock()

    def __init__(self, model: str, cache_dir: Path, *, n_ctx: int = 4096, threads: int = 2, temperature: float = 0.0):
        self.name = model
        self.cache_dir = cache_dir
        self.n_ctx = n_ctx
        self.threads = threads
        self.temperature = temperature

    def _server(self) -> Any:
        path = bundled_model_path(self.name, self.cache_dir) if self.name in BUNDLED_MODELS else Path(self.name)
        if not path.exists():
            raise LLMError(
                f"model file {path} not found; name a bundled model ({', '.join(BUNDLED_MODELS)}) or a .gguf"
            )
        key = (str(path), self.n_ctx, self.threads)
        with LocalLLM._lock:
            if key not in LocalLLM._servers:
                import xllamacpp

                params = xllamacpp.CommonParams()
                params.model.path = str(path)
                params.n_ctx = self.n_ctx
                params.cpuparams.n_threads = self.threads
                params.cpuparams_batch.n_threads = self.threads
                params.verbosity = -1  # llama.cpp logs every request to stderr otherwise
                LocalLLM._servers[key] = xllamacpp.Server(params)
            return LocalLLM._servers[key]

    def complete(self, messages: list[Message], *, max_tokens: int = 256, stop: list[str] | None = None) -> Completion:
        request: dict[str, Any] = {
            "messages": [m.model_dump() for m in messages],
            "max_tokens": max_tokens,
            "temperature": self.temperature,
            "seed": 0,
        }
        if stop:
            request["stop"] = stop
        server = self._server()
        with LocalLLM._lock:
            result = server.handle_chat_completions(request)
        return _parse_chat_completion(result, self.name)


class OpenAICompatibleLLM:
    """Any OpenAI-compatible chat endpoint (vLLM, Ollama, llama.cpp server, hosted APIs).

    Timeouts and connection failures are retried once, then raise LLMError with what to check.
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

    def complete(self, messages: list[Message], *, max_tokens: int = 256, stop: list[str] | None = None) -> Completion:
        import httpx

        body: dict[str, Any] = {
            "model": self.name,
            "messages": [m.model_dump() for m in messages],
            "max_tokens": max_tokens,
            "temperature": self.temperature,
        }
        if stop:
            body["stop"] = stop
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        url = f"{self.base_url}/chat/completions"
        last_error: Exception | None = None
        for attempt in range(2):
            try:
                response = httpx.post(url, json=body, headers=headers, timeout=self.timeout_s)
            except (httpx.TransportError, httpx.TimeoutException) as exc:
                last_error = exc
                logger.warning("LLM endpoint %s failed (%s), attempt %d", url, exc.__class__.__name__, attempt + 1)
                time.sleep(0.5)
                continue
            if response.status_code >= 500 and attempt == 0:
                last_error = LLMError(f"HTTP {response.status_code}")
                continue
            if response.status_code >= 400:
                raise LLMError(
                    f"LLM endpoint {url} answered HTTP {response.status_code}: {response.text[:200]!r}; "
                    f"check the model name and key"
                )
            try:
                return _parse_chat_completion(response.json(), self.name)
            except (json.JSONDecodeError, ValueError) as exc:
                raise LLMError(f"LLM endpoint {url} returned something that is not a chat completion: {exc}") from exc
        raise LLMError(
            f"LLM endpoint {url} is unreachable ({last_error.__class__.__name__}: {last_error}); "
            f"check that the server is running and --llm-base-url is right"
        ) from last_error


class FakeLLM:
    """Replays queued replies in order (the last one repeats); records every prompt it was sent.

    Example:
        >>> llm = FakeLLM(["Paris [1]."])
        >>> llm.complete([Message(role="user", content="?")]).text
        'Paris [1].'
    """

    name = "fake"

    def __init__(self, replies: list[str] | None = None) -> None:
        self.replies = list(replies or ["I cannot answer that from the archive."])
        self.prompts: list[list[Message]] = []

    def complete(self, messages: list[Message], *, max_tokens: int = 256, stop: list[str] | None = None) -> Completion:
        self.prompts.append(messages)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        return Completion(text=reply, prompt_tokens=sum(len(m.content.split()) for m in messages))


def make_llm(settings: LLMSettings, cache_dir: Path) -> LLM:
    """The LLM the settings name.

    Raises:
        ValueError: the openai backend is chosen without a base URL.
    """
    if settings.backend == "openai":
        if not settings.base_url:
            raise ValueError("the openai backend needs a base URL (--llm-base-url or NEWSDESK_LLM__BASE_URL)")
        return OpenAICompatibleLLM(
            settings.base_url,
            settings.model,
            api_key=settings.api_key,
            timeout_s=settings.timeout_s,
            temperature=settings.temperature,
        )
    if settings.backend == "fake":
        return FakeLLM()
    return LocalLLM(
        settings.model, cache_dir, n_ctx=settings.n_ctx, threads=settings.threads, temperature=settings.temperature
    )


def _parse_chat_completion(result: Any, model: str) -> Completion:
    if isinstance(result, str):
        result = json.loads(result)
    if not isinstance(result, dict):
        raise LLMError(f"model {model} returned {type(result).__name__}, not a chat completion")
    if "error" in result:
        raise LLMError(f"model {model} failed: {result['error']}")
    try:
        text = result["choices"][0]["message"]["content"] or ""
    except (KeyError, IndexError, TypeError) as exc:
        raise LLMError(f"model {model} returned no message: {str(result)[:200]}") from exc
    usage = result.get("usage") or {}
    return Completion(
        text=text.strip(),
        prompt_tokens=int(usage.get("prompt_tokens", 0)),
        completion_tokens=int(usage.get("completion_tokens", 0)),
    )
