"""The HTTP API over one Desk: OpenAI-compatible chat completions and models, and passage search.

:func:`create_api` builds it; :mod:`ui.server` mounts it at ``/v1`` beside the Gradio app, so any OpenAI client or
chat front-end can use newsdesk as a model:

- ``POST /v1/chat/completions``: the *checked* answer with ``[n]`` markers, then its sources ("Sources:\\n[1] Title
  — Publisher, 2022-06-19, url"); streamed as SSE ``data: {...}`` chunks ending with ``data: [DONE]`` when
  ``"stream": true``. Earlier messages are the conversation: a follow-up ("And what did Iran say?") is rewritten
  into a standalone question first (:class:`qa.chat.Chat`).
- ``GET /v1/models``: the one model, ``newsdesk``.
- ``POST /v1/search``: passages (:class:`qa.Hit` as JSON), without the LLM.

Extra request fields (``extra_body=`` in the OpenAI client), on both POST routes: ``as_of``, ``since``, ``until``
(YYYY-MM-DD or ISO 8601; a bare day for ``until``/``as_of`` means through its end), ``sources`` (publishers),
``where`` (fields of the original record), ``exclude`` (article ids); see :class:`FilterFields`. OpenAI's other
parameters (``temperature``, ``max_tokens``, ...) are accepted and ignored: newsdesk's settings decide.

Extra response field ``newsdesk`` (:class:`NewsdeskInfo`), on the completion and on the last stream chunk: the
structured citations (article id, title, publisher, date, url, the quote and supporting spans), ``abstained``,
``reason``, ``as_of``, the question searched and ``rewritten_question``.

Only checked text is ever sent as content: while streaming, the quoted lead (the source's own words, checked before
the model writes) goes first, and the rest once the model's sentences are checked; the unchecked draft never leaves
the server. Errors use OpenAI's shape ``{"error": {"message", "type", "param", "code"}}`` with one readable line.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, TypeVar

import anyio
from fastapi import FastAPI
from fastapi.responses import StreamingResponse

from qa import Answer, InvalidArgumentError, NewsDeskError, SearchFilters
from qa.chat import Turn
from ui.http_errors import APIError, error_body, error_of, guarded, handle_errors
from ui.http_shapes import MODEL_ID, ChatMessage, ChatRequest, NewsdeskInfo, SearchRequest

logger = logging.getLogger(__name__)
T = TypeVar("T")
KEEP_ALIVE_SECONDS = 10.0  # an SSE comment this often while the model writes, so proxies keep the stream open
_SOURCES_HEADING = "\n\nSources:\n"
_SEARCHED = re.compile(r"^\(searched for: (?P<question>.+?)\)\n\n")
class RequestQueue:
    """Where requests wait their turn: ``limit`` run at once, up to ``max_waiting`` more wait, later ones get 503.

    Waiting costs no thread: requests wait in the event loop, and only running ones hold a worker thread.
    """

    def __init__(self, limit: int = 1, max_waiting: int = 64) -> None:
        if limit < 1 or max_waiting < 0:
            raise InvalidArgumentError(f"need concurrency >= 1 and queue size >= 0, got {limit} and {max_waiting}")
        self.limit, self.max_waiting = limit, max_waiting
        self._admitted = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._limiter: anyio.CapacityLimiter | None = None
        self._background: set[asyncio.Future[Any]] = set()

    async def run(self, work: Callable[[], T], *, admitted: bool = False) -> T:
        """Run ``work`` in a worker thread when its turn comes.

        Args:
            work: blocking work, e.g. a Desk call.
            admitted: a later step of a request already in the queue, never refused.

        Raises:
            APIError: 503 when the queue is full; 500 (logged with its traceback) when ``work`` has a bug.
            NewsDeskError: what ``work`` raised.
        """
        if not admitted and self._admitted >= self.limit + self.max_waiting:
            raise APIError(503, f"newsdesk is busy ({self._admitted} questions in line); try again shortly",
                           "server_busy", headers={"Retry-After": "5"})
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # primitives belong to one event loop; a new server run gets new ones
            self._loop, self._limiter = loop, anyio.CapacityLimiter(self.limit)
        self._admitted += 1
        try:
            return await anyio.to_thread.run_sync(guarded(work), limiter=self._limiter)
        finally:
            self._admitted -= 1

    def start(self, work: Callable[[], None]) -> None:
        """Run ``work`` in its turn without waiting for it (a stream's generation; it reports through a channel)."""
        task = asyncio.ensure_future(self.run(work, admitted=True))
        self._background.add(task)  # a reference, so the task is not collected while it runs
        task.add_done_callback(self._background.discard)


def create_api(desk: Any, queue: RequestQueue | None = None, *, keep_alive: float = KEEP_ALIVE_SECONDS) -> FastAPI:
    """The ``/v1`` API over ``desk`` (a :class:`qa.Desk`, or one wrapped so calls from several threads are safe).

    Args:
        desk: answers and searches; every call runs in a worker thread of ``queue``.
        queue: how many requests run at once and how many may wait (default: one at a time, 64 waiting).
        keep_alive: seconds between SSE comments while a streamed answer is being written.

    Usage (tested in tests/ui/test_http.py)::

        app = FastAPI(); app.mount("/v1", create_api(desk))
        OpenAI(base_url="http://127.0.0.1:7860/v1", api_key="-").chat.completions.create(
            model="newsdesk", messages=[{"role": "user", "content": "Who won the final?"}],
            extra_body={"as_of": "2024-03-11", "sources": ["Valley Sports"]})
    """
    queue = queue or RequestQueue()
    api = FastAPI(title="newsdesk API", summary="OpenAI-compatible chat completions with cited answers; search.",
                  docs_url="/docs", redoc_url=None)
    handle_errors(api)

    @api.get("/models")
    def list_models() -> dict[str, Any]:
        """The one model: newsdesk."""
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "newsdesk"}]}

    @api.post("/search")
    async def search(body: SearchRequest) -> dict[str, Any]:
        """Passages for the query, best first (no LLM)."""
        filters = body.search_filters()
        hits = await queue.run(lambda: desk.search(body.query, filters, k=body.k or body.limit or 10))
        return {"object": "list", "data": [hit.model_dump(mode="json") for hit in hits],
                "filters": filters.model_dump(mode="json", exclude_defaults=True)}

    @api.post("/chat/completions", response_model=None)
    async def chat_completions(body: ChatRequest) -> dict[str, Any] | StreamingResponse:
        """An answer with [n] citations to the last user message, the earlier ones being the conversation."""
        message, turns = _conversation(body.messages)
        filters = body.search_filters()
        reply = _Reply(body)
        if not body.stream:
            answer = await queue.run(lambda: _answer(desk, message, turns, filters))
            return reply.completion(answer)
        # Retrieval and the checks before the model happen here, so a bad filter is still an HTTP error.
        started = await queue.run(lambda: _start_stream(desk, message, turns, filters))
        return StreamingResponse(reply.events(started, queue, keep_alive), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    return api


def reply_text(answer: Answer) -> str:
    """The content of a reply: the searched question when a follow-up was rewritten, the checked answer, its sources.

    The three parts, concatenated, are what a stream sends too.
    """
    return _searched(answer.rewritten_question) + answer.text + sources_text(answer)


def sources_text(answer: Answer) -> str:
    """The numbered sources after an answer: "[1] Title — Publisher, 2022-06-19, url", one a line."""
    lines = []
    for citation in answer.citations:
        ref = citation.article
        where = ", ".join(part for part in (ref.publisher, ref.date, ref.url) if part)
        lines.append(f"[{citation.marker}] {ref.title or '(untitled)'} — {where}")
    return _SOURCES_HEADING + "\n".join(lines) if lines else ""


def _conversation(messages: list[ChatMessage]) -> tuple[str, list[Turn]]:
    """The question (the last user message) and the turns before it, for follow-up rewriting."""
    spoken = [m for m in messages if m.role in ("user", "assistant")]
    if not spoken or spoken[-1].role != "user":
        raise APIError(400, "the last message must be the user's question", param="messages")
    turns: list[Turn] = []
    asked: str | None = None
    for m in spoken[:-1]:
        if m.role == "user":
            asked = m.text.strip()
        elif asked is not None:
            # Our own earlier reply names the question it searched; the sources after it are no help to the rewriter.
            reply = m.text.strip()
            searched = _SEARCHED.match(reply)
            text = reply[searched.end():] if searched else reply
            question = searched.group("question") if searched else asked
            turns.append(Turn(asked, question, text.split(_SOURCES_HEADING)[0].strip()))
            asked = None
    return spoken[-1].text, turns


def _standalone(desk: Any, message: str, turns: list[Turn]) -> str:
    chat = desk.chat()
    chat.turns.extend(turns)
    return str(chat.standalone(message))


def _answer(desk: Any, message: str, turns: list[Turn], filters: SearchFilters) -> Answer:
    question = _standalone(desk, message, turns)
    answer: Answer = desk.ask(question, filters)
    return _rewritten(answer, message, question)


def _rewritten(answer: Answer, message: str, question: str) -> Answer:
    # As Chat.ask does: the reader sees what was searched when it is not what they typed.
    if question != message.strip():
        return answer.model_copy(update={"rewritten_question": question})
    return answer


class _Started:
    """A streamed answer after retrieval: the stream, and what the reader was asking."""

    def __init__(self, stream: Any, message: str, question: str) -> None:
        self.stream, self.message, self.question = stream, message, question

    def pieces(self, stop: threading.Event) -> Iterator[str | Answer]:
        """Checked text pieces, then the Answer. The model's own words are read here but never passed on; setting
        ``stop`` ends the stream (and the model's writing) at its next piece."""
        stream = self.stream
        rewritten = self.question if self.question != self.message.strip() else None
        if rewritten:
            yield _searched(rewritten)
        if stream.answer is not None:  # answered without the model (an abstention, statements): checked already
            answer = _rewritten(stream.answer, self.message, self.question)
            yield answer.text
        else:
            lead = stream.lead
            with contextlib.closing(iter(stream)) as draft:
                for n, _ in enumerate(draft):
                    if stop.is_set():
                        return
                    if n == 0 and lead is not None:
                        yield lead.text  # the quoted source sentence: its own words, checked before the model wrote
            answer = _rewritten(stream.answer, self.message, self.question)
            shown = lead.text if lead is not None else ""
            yield answer.text[len(shown):] if answer.text.startswith(shown) else "\n\n" + answer.text
        yield sources_text(answer)
        yield answer


def _start_stream(desk: Any, message: str, turns: list[Turn], filters: SearchFilters) -> _Started:
    question = _standalone(desk, message, turns)
    return _Started(desk.ask_stream(question, filters), message, question)


class _Reply:
    """The OpenAI-shaped completion, or its chunks, for one request."""

    def __init__(self, body: ChatRequest) -> None:
        self.id = f"chatcmpl-{uuid.uuid4().hex}"
        self.created = int(time.time())
        self.include_usage = bool(body.stream_options and body.stream_options.include_usage)

    def completion(self, answer: Answer) -> dict[str, Any]:
        message = {"role": "assistant", "content": reply_text(answer)}
        return {**self._head("chat.completion"), "usage": _usage(answer),
                "choices": [{"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}],
                "newsdesk": NewsdeskInfo.of(answer).model_dump(mode="json")}

    def chunk(self, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        return _sse({**self._head("chat.completion.chunk"), "choices": [choice], **extra})

    def _head(self, kind: str) -> dict[str, Any]:
        return {"id": self.id, "object": kind, "created": self.created, "model": MODEL_ID,
                "system_fingerprint": None}

    async def events(self, started: _Started, queue: RequestQueue, keep_alive: float) -> AsyncIterator[str]:
        """The SSE stream: a role chunk, checked content chunks, a last chunk with ``newsdesk``, then [DONE].

        The pieces are produced in a worker thread; leaving early (the client went away) stops the model.
        """
        loop = asyncio.get_running_loop()
        channel: asyncio.Queue[str | Answer | BaseException | None] = asyncio.Queue()
        stop = threading.Event()

        def produce() -> None:
            def send(item: str | Answer | BaseException | None) -> None:
                loop.call_soon_threadsafe(channel.put_nowait, item)

            try:
                with contextlib.closing(started.pieces(stop)) as pieces:
                    for piece in pieces:
                        send(piece)
            except Exception as exc:  # noqa: BLE001 - reported to the client as an error event; bugs are logged
                if not isinstance(exc, (NewsDeskError, APIError)):
                    logger.exception("newsdesk API stream failed")
                send(exc)
            finally:
                send(None)

        yield self.chunk({"role": "assistant", "content": ""})
        queue.start(produce)
        try:
            while True:
                try:
                    item = await asyncio.wait_for(channel.get(), keep_alive)
                except TimeoutError:
                    yield ": newsdesk is checking the answer\n\n"
                    continue
                if item is None:
                    break
                if isinstance(item, BaseException):  # after the headers, so an error event (OpenAI clients raise it)
                    error = error_of(item)
                    yield _sse(error_body(error.message, error.kind, error.param))
                    break
                if isinstance(item, Answer):
                    info = NewsdeskInfo.of(item).model_dump(mode="json")
                    yield self.chunk({}, "stop", newsdesk=info)
                    if self.include_usage:
                        yield _sse({**self._head("chat.completion.chunk"), "choices": [], "usage": _usage(item)})
                elif item:
                    yield self.chunk({"content": item})
            yield "data: [DONE]\n\n"
        finally:
            stop.set()


def _searched(question: str | None) -> str:
    return f"(searched for: {question})\n\n" if question else ""


def _usage(answer: Answer) -> dict[str, int]:
    prompt, completion = answer.timings.prompt_tokens, answer.timings.completion_tokens
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _sse(data: dict[str, Any]) -> str:
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

