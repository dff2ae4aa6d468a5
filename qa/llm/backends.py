"""Language-model backends behind the :class:`qa.llm.LLM` interface.

- :class:`LocalLLM` runs a bundled GGUF in-process with llama.cpp (xllamacpp), loaded once per process.
- :class:`OpenAICompatibleLLM` calls any OpenAI-compatible ``/chat/completions`` endpoint.
- :func:`make_llm` picks the backend the settings name (``fake`` gives :class:`qa.llm.FakeLLM`).

Each backend answers in one piece (``complete``) or piece by piece (``stream``); after either, its
``last_usage`` holds the whole reply with its token counts. Both speak the OpenAI chat-completion format
(llama.cpp's server replies in it too), parsed once at the end of this module.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qa.errors import LLMError, ModelError
from qa.llm.base import LLM, Completion, FakeLLM, Message, check_prompt_budget, estimate_prompt_tokens
from qa.llm.bundled import BUNDLED_MODELS, bundled_model_path, find_bundled_model
from qa.settings import LLMSettings

logger = logging.getLogger(__name__)


class LocalLLM:
    """A bundled GGUF model run by llama.cpp in this process; the chat template comes from the GGUF.

    Loading takes about a second and ~700 MB for the 0.5B model, so one server per model file is
    shared by the whole process, and calls are serialised (llama.cpp runs one sequence at a time here):
    a stream holds the lock from the moment its first piece is asked for until it is exhausted or closed.

    Args:
        model: a bundled model's name or alias (``qwen2.5-coder-0.5b``, ``qwen2.5-1.5b``, ...) or a .gguf path.
        cache_dir: where bundled models are joined.
        n_ctx: context window, in tokens, shared by prompt and reply.
        threads: CPU threads.
        temperature: 0 makes replies repeatable.
    """

    _servers: dict[tuple[str, int, int], Any] = {}
    _lock = threading.Lock()  # held while llama.cpp generates
    _load_lock = threading.Lock()  # separate, so counting tokens or finding the endpoint never waits for a stream

    def __init__(self, model: str, cache_dir: Path, *, n_ctx: int = 4096, threads: int = 2, temperature: float = 0.0):
        bundled = find_bundled_model(model)
        self.name = bundled.name if bundled else model
        self.cache_dir = cache_dir
        self.n_ctx = n_ctx
        self.threads = threads
        self.temperature = temperature
        self.last_usage: Completion | None = None

    def _server(self) -> Any:
        if find_bundled_model(self.name):
            try:
                path = bundled_model_path(self.name, self.cache_dir)
            except ModelError as exc:
                raise LLMError(str(exc)) from exc
        else:
            path = Path(self.name)
        if not path.exists():
            raise LLMError(
                f"model file {path} not found; name a bundled model ({', '.join(BUNDLED_MODELS)}) or a .gguf"
            )
        key = (str(path), self.n_ctx, self.threads)
        with LocalLLM._load_lock:
            if key not in LocalLLM._servers:
                import xllamacpp  # type: ignore[import-untyped]

                params = xllamacpp.CommonParams()
                params.model.path = str(path)
                params.n_ctx = self.n_ctx
                params.cpuparams.n_threads = self.threads
                params.cpuparams_batch.n_threads = self.threads
                params.verbosity = -1  # llama.cpp logs every request to stderr otherwise
                LocalLLM._servers[key] = xllamacpp.Server(params)
            return LocalLLM._servers[key]

    def endpoint_url(self) -> str:
        """The OpenAI-compatible endpoint llama.cpp serves for this model inside this process, loading it if needed.

        llama.cpp's server listens on a free port of 127.0.0.1 (no key) next to the in-process calls, so
        :class:`OpenAICompatibleLLM` can reach the same loaded model, e.g. ``http://127.0.0.1:40123/v1``.
        """
        address = str(self._server().listening_address)
        if not address:
            raise LLMError(f"the llama.cpp server of model {self.name} is not listening on HTTP")
        return (address if "://" in address else f"http://{address}").rstrip("/") + "/v1"

    def count_tokens(self, messages: list[Message]) -> int:
        """Tokens ``messages`` take in this model's prompt, chat template included, by the model's own tokenizer.

        Falls back to :func:`estimate_prompt_tokens` if llama.cpp's tokenizer cannot be reached.
        """
        import httpx

        try:
            url = self.endpoint_url() + "/chat/completions/input_tokens"
            # trust_env=False: a proxy from the environment must not see this loopback call.
            with httpx.Client(trust_env=False, timeout=30) as client:
                response = client.post(url, json={"messages": [m.model_dump() for m in messages]})
            response.raise_for_status()
            return int(response.json()["input_tokens"])
        except (httpx.HTTPError, LLMError, KeyError, TypeError, ValueError) as exc:
            logger.debug("llama.cpp token count failed (%s); estimating with cl100k", exc)
            return estimate_prompt_tokens(messages)

    def _prepare(
        self, messages: list[Message], max_tokens: int, stop: list[str] | None, top_logprobs: int = 0
    ) -> tuple[Any, dict[str, Any]]:
        server = self._server()  # load first: counting uses the model's tokenizer
        check_prompt_budget(self.count_tokens(messages), max_tokens=max_tokens, n_ctx=self.n_ctx, model=self.name)
        request: dict[str, Any] = {
            "messages": [m.model_dump() for m in messages],
            "max_tokens": max_tokens,
            "temperature": self.temperature,
            "seed": 0,
        }
        if stop:
            request["stop"] = stop
        if top_logprobs:
            request.update(logprobs=True, top_logprobs=top_logprobs)
        return server, request

    def complete(
        self, messages: list[Message], *, max_tokens: int = 256, stop: list[str] | None = None, top_logprobs: int = 0
    ) -> Completion:
        """The model's reply to ``messages``; with ``top_logprobs``, the likeliest first tokens and their log-probs.

        Raises:
            LLMError: the model is missing, the prompt leaves less than ``max_tokens`` of the context, or llama.cpp
                failed.
        """
        server, request = self._prepare(messages, max_tokens, stop, top_logprobs)
        with LocalLLM._lock:
            result = server.handle_chat_completions(request)
        self.last_usage = _parse_chat_completion(result, f"model {self.name}")
        return self.last_usage

    def stream(self, messages: list[Message], *, max_tokens: int = 256, stop: list[str] | None = None) -> Iterator[str]:
        """The model's reply to ``messages``, piece by piece (about a token each); see :meth:`LLM.stream`.

        The lock is held until the iterator is exhausted or closed, so other calls wait for the whole stream;
        calling a LocalLLM from inside the loop over one of its streams would wait forever.

        Raises:
            LLMError: as :meth:`complete`, also mid-stream.
        """
        server, request = self._prepare(messages, max_tokens, stop)
        request |= {"stream": True, "stream_options": {"include_usage": True}}
        reader = _StreamReader(f"model {self.name}")
        chunks: queue.Queue[Any] = queue.Queue()
        cancelled = threading.Event()
        done = object()

        def on_chunk(chunk: Any) -> bool:
            chunks.put(chunk)
            return cancelled.is_set()  # True makes llama.cpp stop generating

        def generate() -> None:
            # handle_chat_completions blocks until the reply is done, calling on_chunk for each piece,
            # so it runs in a thread and this generator hands the pieces on as they arrive.
            try:
                server.handle_chat_completions(request, on_chunk)
            except Exception as exc:  # noqa: BLE001 - handed to the consumer, which raises LLMError
                chunks.put(exc)
            finally:
                chunks.put(done)

        with LocalLLM._lock:
            worker = threading.Thread(target=generate, name=f"llm-stream-{self.name}", daemon=True)
            worker.start()
            try:
                while (chunk := chunks.get()) is not done:
                    if isinstance(chunk, Exception):
                        raise LLMError(f"model {self.name} failed: {_one_line(str(chunk))}") from chunk
                    if piece := reader.feed(chunk):
                        yield piece
                self.last_usage = reader.finish()
            finally:
                cancelled.set()
                worker.join()  # llama.cpp stops at its next piece; the lock is released only after that


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
        self.last_usage: Completion | None = None

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
            f"LLM endpoint {self._url} answered HTTP {status}: {_one_line(text)!r}; check the model name and key"
        )

    def _unreachable(self, error: Exception | None) -> LLMError:
        return LLMError(
            f"LLM endpoint {self._url} is unreachable ({error.__class__.__name__}: {_one_line(str(error))}); "
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
                self.last_usage = _parse_chat_completion(response.json(), f"LLM endpoint {url}")
            except (json.JSONDecodeError, ValueError) as exc:
                raise LLMError(
                    f"LLM endpoint {url} returned something that is not a chat completion: {_one_line(str(exc))}"
                ) from exc
            return self.last_usage
        raise self._unreachable(last_error) from last_error

    def stream(self, messages: list[Message], *, max_tokens: int = 256, stop: list[str] | None = None) -> Iterator[str]:
        """The endpoint's reply to ``messages``, piece by piece from its server-sent events; see :meth:`LLM.stream`.

        Asks for usage in the last event (``stream_options.include_usage``); an endpoint that sends none
        leaves ``last_usage.prompt_tokens`` at 0 and counts one completion token per piece.

        Raises:
            LLMError: as :meth:`complete`, also when the stream breaks off or sends something that is not a chat
                completion chunk.
        """
        import httpx

        url = self._url
        body = {**self._body(messages, max_tokens, stop), "stream": True, "stream_options": {"include_usage": True}}
        reader = _StreamReader(f"LLM endpoint {url}")
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
                        self.last_usage = self._one_piece(response.read(), url)
                        if self.last_usage.text:
                            yield self.last_usage.text
                        return
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
                                f"LLM endpoint {url} sent a stream event that is not JSON: {_one_line(data, 80)!r}; "
                                f"check that it is an OpenAI-compatible server"
                            ) from exc
                        if piece := reader.feed(chunk):
                            yield piece
                    self.last_usage = reader.finish()
                    return
            except (httpx.TransportError, httpx.TimeoutException) as exc:
                if reader.started:
                    raise LLMError(
                        f"LLM endpoint {url} broke off mid-reply ({exc.__class__.__name__}: {_one_line(str(exc))}); "
                        f"check the server's logs and --llm-timeout"
                    ) from exc
                last_error = exc
                logger.warning("LLM endpoint %s failed (%s), attempt %d", url, exc.__class__.__name__, attempt + 1)
                time.sleep(0.5)
        raise self._unreachable(last_error) from last_error

    def _one_piece(self, content: bytes, url: str) -> Completion:
        try:
            return _parse_chat_completion(json.loads(content), f"LLM endpoint {url}")
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise LLMError(
                f"LLM endpoint {url} returned something that is neither a stream nor a chat completion: "
                f"{_one_line(content.decode(errors='replace'), 80)!r}"
            ) from exc


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


class _StreamReader:
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
            raise LLMError(f"{self.source} sent a stream event that is not an object: {_one_line(str(chunk), 80)!r}")
        if "error" in chunk:
            raise LLMError(f"{self.source} failed: {_error_text(chunk['error'])}")
        if isinstance(chunk.get("usage"), dict):
            self.usage = chunk["usage"]
        choices = chunk.get("choices")
        if not isinstance(choices, list) or (choices and not isinstance(choices[0], dict)):
            raise LLMError(
                f"{self.source} sent a stream event that is not a chat completion chunk: {_one_line(str(chunk), 120)}"
            )
        if not choices:
            return ""  # the usage event has no choices
        if choices[0].get("finish_reason"):
            self.finished = True
        piece = (choices[0].get("delta") or {}).get("content") or ""
        if not isinstance(piece, str):
            raise LLMError(f"{self.source} sent a stream piece that is not text: {_one_line(str(chunk), 120)}")
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


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _error_text(error: Any) -> str:
    if isinstance(error, dict) and "message" in error:
        return _one_line(str(error["message"]))
    return _one_line(str(error))


def _parse_chat_completion(result: Any, source: str) -> Completion:
    if isinstance(result, str):
        result = json.loads(result)
    if not isinstance(result, dict):
        raise LLMError(f"{source} returned {type(result).__name__}, not a chat completion")
    if "error" in result:
        raise LLMError(f"{source} failed: {_error_text(result['error'])}")
    try:
        text = result["choices"][0]["message"]["content"] or ""
    except (KeyError, IndexError, TypeError) as exc:
        raise LLMError(f"{source} returned no message: {_one_line(str(result))}") from exc
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
