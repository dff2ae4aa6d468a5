"""A bundled GGUF model (or any .gguf file) run in this process by llama.cpp, through xllamacpp."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

from qa.errors import LLMError, ModelError, SettingsError
from qa.llm.base import Completion, CompletionStream, Message, check_prompt_budget, estimate_prompt_tokens
from qa.llm.bundled import BUNDLED_MODELS, bundled_model_path, find_bundled_model, joined_file
from qa.llm.tokenizer import chat_tokenizer
from qa.llm.wire import StreamReader, one_line, parse_chat_completion

logger = logging.getLogger(__name__)


class LocalLLM:
    """A bundled GGUF model run by llama.cpp in this process; the chat template comes from the GGUF.

    Loading takes about a second and ~700 MB for the 0.5B model, so one server per model file is
    shared by the whole process, and calls are serialised (llama.cpp runs one sequence at a time here):
    a stream holds the lock from the moment its first piece is asked for until it is exhausted or closed.
    Every call's result carries its own token counts, so concurrent callers never mix them up.

    Args:
        model: a bundled model's name or alias (``qwen2.5-coder-0.5b``, ``qwen2.5-1.5b``, ...) or a .gguf path.
        cache_dir: where bundled models are joined.
        n_ctx: context window, in tokens, shared by prompt and reply.
        threads: CPU threads.
        temperature: 0 makes replies repeatable.
    """

    _servers: dict[tuple[str, int, int], Any] = {}
    _lock = threading.Lock()  # held while llama.cpp generates
    _load_lock = threading.Lock()  # separate, so finding the endpoint never waits for a stream

    def __init__(self, model: str, cache_dir: Path, *, n_ctx: int = 4096, threads: int = 2, temperature: float = 0.0):
        bundled = find_bundled_model(model)
        self.name = bundled.name if bundled else model
        self.cache_dir = cache_dir
        self.n_ctx = n_ctx
        self.threads = threads
        self.temperature = temperature

    def model_path(self) -> Path:
        """The GGUF file, joining a bundled model's parts on first use.

        Raises:
            LLMError: a bundled model's packages are missing or fail their checksum.
            SettingsError: the name is neither a bundled model nor an existing file.
        """
        if find_bundled_model(self.name):
            try:
                return bundled_model_path(self.name, self.cache_dir)
            except ModelError as exc:
                raise LLMError(str(exc)) from exc
        path = Path(self.name)
        if not path.is_file():
            raise SettingsError(
                f"model file {path} not found; name a bundled model ({', '.join(BUNDLED_MODELS)}) or a .gguf"
            )
        return path

    @property
    def loaded(self) -> bool:
        """Whether this model is already loaded in this process (the first call pays for joining and loading it)."""
        key = (str(self._cached_path()), self.n_ctx, self.threads)
        return key in LocalLLM._servers

    def warm_up(self) -> float:
        """Join (first use only), verify (once a process) and load the model; returns the seconds (0 if loaded)."""
        if self.loaded:
            return 0.0
        started = time.perf_counter()
        self._server()
        return time.perf_counter() - started

    def _cached_path(self) -> Path:
        # Where the model is or will be, without joining it: a bundled model's joined file, or the named file.
        bundled = find_bundled_model(self.name)
        return joined_file(bundled, self.cache_dir) if bundled else Path(self.name)

    def _server(self) -> Any:
        path = self.model_path()
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
                try:
                    LocalLLM._servers[key] = xllamacpp.Server(params)
                except RuntimeError as exc:  # a bundled model is hashed before this; a file of the user's is not
                    raise LLMError(
                        f"llama.cpp could not load model file {path} ({one_line(str(exc))}); "
                        "is it a complete GGUF file?"
                    ) from exc
            return LocalLLM._servers[key]

    def endpoint_url(self) -> str:
        """The OpenAI-compatible endpoint llama.cpp serves for this model inside this process, loading it if needed.

        llama.cpp's server listens on a free port of 127.0.0.1 (no key) next to the in-process calls, so
        :class:`~qa.llm.openai.OpenAICompatibleLLM` can reach the same loaded model, e.g. ``http://127.0.0.1:40123/v1``.
        """
        address = str(self._server().listening_address)
        if not address:
            raise LLMError(f"the llama.cpp server of model {self.name} is not listening on HTTP")
        return (address if "://" in address else f"http://{address}").rstrip("/") + "/v1"

    def count_tokens(self, messages: list[Message]) -> int:
        """Tokens ``messages`` take in this model's prompt, chat template included: the ``prompt_tokens`` it reports.

        Counted in this process with the tokenizer and template read from the GGUF (:mod:`qa.llm.tokenizer`),
        without loading the model or calling it. A model whose tokenizer is not reproduced there, or whose
        template refuses the messages, gets the over-estimate of :func:`~qa.llm.base.estimate_prompt_tokens`.

        Raises:
            LLMError, SettingsError: as :meth:`model_path`.
        """
        from jinja2 import TemplateError

        path = self.model_path()
        try:
            tokenizer = chat_tokenizer(path)
            if tokenizer is not None:
                return tokenizer.count(messages)
            logger.debug("no local tokenizer for %s; estimating with cl100k", path)
        except (OSError, ValueError, OverflowError, TemplateError) as exc:  # Overflow: a damaged length field
            logger.debug("counting tokens of %s failed (%s); estimating with cl100k", path, exc)
        return estimate_prompt_tokens(messages)

    def _prepare(
        self, messages: list[Message], max_tokens: int, stop: list[str] | None, top_logprobs: int = 0
    ) -> tuple[Any, dict[str, Any]]:
        # Counting needs only the file, so a prompt that cannot fit is refused before the model is loaded.
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
        return self._server(), request

    def complete(
        self, messages: list[Message], *, max_tokens: int = 256, stop: list[str] | None = None, top_logprobs: int = 0
    ) -> Completion:
        """The model's reply to ``messages``; with ``top_logprobs``, the likeliest first tokens and their log-probs.

        Raises:
            LLMError: the model is missing, the prompt leaves less than ``max_tokens`` of the context, or llama.cpp
                failed.
            SettingsError: the model named is neither bundled nor a file.
        """
        server, request = self._prepare(messages, max_tokens, stop, top_logprobs)
        with LocalLLM._lock:
            result = server.handle_chat_completions(request)
        return parse_chat_completion(result, f"model {self.name}")

    def stream(
        self, messages: list[Message], *, max_tokens: int = 256, stop: list[str] | None = None
    ) -> CompletionStream:
        """The model's reply to ``messages``, piece by piece (about a token each); see :meth:`qa.llm.LLM.stream`.

        The lock is held until the stream is exhausted or closed, so other calls wait for the whole stream;
        calling a LocalLLM from inside the loop over one of its streams would wait forever.

        Raises:
            LLMError, SettingsError: as :meth:`complete`, also mid-stream.
        """
        return CompletionStream(self._pieces(messages, max_tokens, stop))

    def _pieces(
        self, messages: list[Message], max_tokens: int, stop: list[str] | None
    ) -> Generator[str, None, Completion]:
        server, request = self._prepare(messages, max_tokens, stop)
        request |= {"stream": True, "stream_options": {"include_usage": True}}
        reader = StreamReader(f"model {self.name}")
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
                        raise LLMError(f"model {self.name} failed: {one_line(str(chunk))}") from chunk
                    if piece := reader.feed(chunk):
                        yield piece
                return reader.finish()
            finally:
                cancelled.set()
                worker.join()  # llama.cpp stops at its next piece; the lock is released only after that


def llama_cpp_cpu_features() -> list[str]:
    """The CPU instruction sets the installed llama.cpp was built to use, e.g. ``["AVX", "AVX2", "FMA", ...]``.

    The xllamacpp wheel is built for AVX2; rebuilt for an AVX-512 CPU (see the README) it reads prompts faster, so
    benchmarks name the build they measured.
    """
    import xllamacpp  # type: ignore[import-untyped]

    info = xllamacpp.get_system_info()  # "CPU : SSE3 = 1 | AVX2 = 1 | ... | OPENMP = 1 | REPACK = 1 |"
    return [name.strip() for name, on in (p.split("=") for p in info.split(":", 1)[-1].split("|") if "=" in p)
            if on.strip() == "1"]
