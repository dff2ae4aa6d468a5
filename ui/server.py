"""``newsdesk serve``: the Gradio app and the HTTP API (:mod:`ui.http`) on one server, behind optional auth.

One process loads the models once and serves everyone: a Desk is not safe to share between threads (one chromadb
client, one llama.cpp model), so :class:`LockedDesk` makes every Desk call, and the whole of a streamed answer, hold
one lock, and both the API and the Gradio app use that wrapped desk. Requests beyond what runs at once wait in a
queue (the API's :class:`ui.http.RequestQueue`, Gradio's own queue) rather than fail.

With ``auth``, every route needs the credentials, the Gradio pages included: HTTP Basic (the browser asks once) or
``Authorization: Bearer <password>`` (so ``OpenAI(api_key=password)`` works). Gradio's login form is not used: its
page answers 200 to anyone and programs cannot fill it in; Gradio learns the user from the same header through its
``auth_dependency`` hook.
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
import queue
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from pydantic import BaseModel
from starlette.types import ASGIApp, Receive, Scope, Send

from qa import AnswerStream, InvalidArgumentError
from ui.http import RequestQueue, create_api
from ui.http_errors import error_body

logger = logging.getLogger(__name__)
_PLAIN = (str, bytes, int, float, bool, type(None), Path, datetime, date, Enum, BaseModel, list, tuple, dict, set)


@dataclass(frozen=True)
class ServeOptions:
    """How the server listens and whom it serves.

    Args:
        host: the address to listen on; 127.0.0.1 keeps it to this machine.
        port: the TCP port.
        auth: (user, password) every route requires, or None for none.
        concurrency: requests answered at once (the desk lock still lets one use the models at a time).
        queue_size: requests that may wait beyond those; more are refused with 503 until some finish.
    """

    host: str = "127.0.0.1"
    port: int = 7860
    auth: tuple[str, str] | None = None
    concurrency: int = 1
    queue_size: int = 64


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``USER:PASSWORD`` as a pair; None for None.

    Example:
        >>> parse_auth("editor:s3cret:x")
        ('editor', 's3cret:x')

    Raises:
        InvalidArgumentError: no colon, or an empty user or password.
    """
    if value is None:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise InvalidArgumentError("auth must be USER:PASSWORD with both parts non-empty, e.g. editor:s3cret")
    return user, password


class Locked:
    """``target`` with every method call (and every property read) holding ``lock``; results that are objects with
    behaviour (a Chat, an LLM, the archive store, an answer stream) come back wrapped the same way, plain data as it
    is. The lock is reentrant: a locked call that reaches another locked object (a Chat whose desk is locked) goes on.

    It passes ``isinstance`` checks for its target's class, so a Desk built from a locked desk's parts (another model
    over ``desk.store`` and ``desk.embedder``, as the chat's model picker does) still takes turns on every call.
    """

    def __init__(self, target: Any, lock: threading.RLock) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_lock", lock)

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # isinstance() consults it when the real type does not match
        return type(self._target)

    def __getattr__(self, name: str) -> Any:
        target, lock = self._target, self._lock
        if isinstance(getattr(type(target), name, None), property):
            with lock:  # a property may do work (Desk.store opens the archive)
                value = getattr(target, name)
        else:
            value = getattr(target, name)
        if callable(value) and not isinstance(value, type):

            @functools.wraps(value)
            def call(*args: Any, **kwargs: Any) -> Any:
                with lock:
                    result = value(*args, **kwargs)
                return guard(result, lock)

            return call
        return guard(value, lock)

    def __setattr__(self, name: str, value: Any) -> None:
        with self._lock:
            setattr(self._target, name, value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return guard(self._target(*args, **kwargs), self._lock)

    def __repr__(self) -> str:
        return f"Locked({self._target!r})"


class LockedDesk(Locked):
    """A Desk for a server: any number of threads may call it; the calls take turns.

    Example:
        >>> import tempfile
        >>> from qa import Desk, Settings
        >>> settings = Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"})
        >>> desk = LockedDesk(Desk.open(tempfile.mkdtemp(), settings))
        >>> desk.settings.llm.backend, type(desk.chat()).__name__
        ('fake', 'Locked')
    """

    def __init__(self, desk: Any) -> None:
        super().__init__(desk, threading.RLock())


class LockedStream:
    """An answer stream read under the lock for its whole length.

    The stream runs in a thread of its own that holds the lock and hands the pieces over a queue, so the reader may
    be any thread, or a different one for each piece (Gradio does that), and may call the desk meanwhile (the call
    waits for the stream to end rather than deadlock). Leaving early stops the model; a reader that just drops the
    stream only lets it run to its end.
    """

    def __init__(self, stream: AnswerStream, lock: threading.RLock) -> None:
        self._stream = stream
        self._lock = lock

    @property
    def answer(self) -> Any:
        """The checked Answer, once the stream is exhausted."""
        return self._stream.answer

    @property
    def lead(self) -> Any:
        """The quoted source sentence the answer starts with, known before the model writes."""
        return self._stream.lead

    def __iter__(self) -> Iterator[str]:
        pieces: queue.Queue[tuple[str, Any]] = queue.Queue()
        stop = threading.Event()

        def produce() -> None:
            try:
                with self._lock:
                    if stop.is_set():
                        return
                    iterator = iter(self._stream)
                    try:
                        for piece in iterator:
                            pieces.put(("piece", piece))
                            if stop.is_set():
                                return
                    finally:
                        iterator.close()  # type: ignore[attr-defined] # a generator: stops the model
            except BaseException as exc:  # noqa: BLE001 - handed to the reader, who raises it
                pieces.put(("error", exc))
            finally:
                pieces.put(("end", None))

        threading.Thread(target=produce, name="newsdesk-answer-stream", daemon=True).start()
        try:
            while True:
                kind, value = pieces.get()
                if kind == "end":
                    return
                if kind == "error":
                    raise value
                yield value
        finally:
            stop.set()


class _LockedIterator(Locked):
    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        with self._lock:
            return guard(next(self._target), self._lock)


def guard(value: Any, lock: threading.RLock) -> Any:
    """``value`` as the locked desk hands it out: data as it is, behaviour wrapped to hold ``lock``."""
    if isinstance(value, _PLAIN) or isinstance(value, Locked | LockedStream):
        return value
    if isinstance(value, AnswerStream):
        return LockedStream(value, lock)
    if hasattr(value, "__next__"):
        return _LockedIterator(value, lock)
    return Locked(value, lock)


class BasicOrBearerAuth:
    """ASGI middleware: every request needs HTTP Basic ``user:password`` or ``Authorization: Bearer <password>``.

    Refusals are 401 with a ``WWW-Authenticate: Basic`` challenge (browsers then ask); under ``/v1`` the body is
    OpenAI's error shape, so OpenAI clients raise AuthenticationError.
    """

    def __init__(self, app: ASGIApp, credentials: tuple[str, str]) -> None:
        self.app = app
        self.credentials = credentials

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if user_of(headers.get("authorization"), self.credentials) is not None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        else:
            await _refuse(scope, send)


def user_of(authorization: str | None, credentials: tuple[str, str]) -> str | None:
    """The user an ``Authorization`` header proves, or None.

    Example:
        >>> user_of("Bearer s3cret", ("editor", "s3cret")), user_of("Basic ZWRpdG9yOnMzY3JldA==", ("editor", "s3cret"))
        ('editor', 'editor')
        >>> user_of("Bearer guess", ("editor", "s3cret")) is None
        True
    """
    user, password = credentials
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() == "bearer":
        return user if _same(token, password) else None
    if scheme.lower() == "basic":
        try:
            given_user, _, given_password = base64.b64decode(token, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        # Both compared, always: how long a refusal takes says nothing about which part was wrong.
        user_ok, password_ok = _same(given_user, user), _same(given_password, password)
        return user if user_ok and password_ok else None
    return None


def create_app(desk: Any, options: ServeOptions | None = None, *, build_blocks: Callable[[Any], Any] | None = None
               ) -> FastAPI:
    """The whole server as one ASGI app: the API at ``/v1``, the Gradio app at ``/``, auth in front of both.

    Args:
        desk: a :class:`qa.Desk`; it is wrapped in a :class:`LockedDesk` here, shared by the API and the app.
        options: queue sizes and credentials (host and port only label the Gradio app).
        build_blocks: builds the Gradio Blocks for the wrapped desk (default :func:`ui.app.build_app`).
    """
    import gradio as gr

    options = options or ServeOptions()
    shared = desk if isinstance(desk, Locked) else LockedDesk(desk)
    app = FastAPI(title="newsdesk", docs_url=None, redoc_url=None, openapi_url=None)
    # Mounted before Gradio's catch-all "/", so /v1 is the API's.
    app.mount("/v1", create_api(shared, RequestQueue(options.concurrency, options.queue_size)))
    if build_blocks is None:
        from ui.app import build_app as build_blocks
    blocks = build_blocks(shared)
    blocks.queue(default_concurrency_limit=options.concurrency, max_size=options.queue_size)
    auth_dependency = None
    if options.auth is not None:
        app.add_middleware(BasicOrBearerAuth, credentials=options.auth)
        credentials = options.auth

        def auth_dependency(request: Request) -> str | None:
            return user_of(request.headers.get("authorization"), credentials)

    gr.mount_gradio_app(app, blocks, path="/", server_name=options.host, server_port=options.port,
                        auth_dependency=auth_dependency, show_error=True)
    return app


def serve(desk: Any, options: ServeOptions, *, log_level: str = "info") -> None:
    """Serve ``desk`` until interrupted (Ctrl+C)."""
    import uvicorn

    config = uvicorn.Config(create_app(desk, options), host=options.host, port=options.port, log_level=log_level,
                            timeout_graceful_shutdown=3)  # open streams must not keep Ctrl+C waiting
    uvicorn.Server(config).run()


async def _refuse(scope: Scope, send: Send) -> None:
    path = scope.get("path", "")
    api = path == "/v1" or path.startswith("/v1/")
    if api:
        import json

        body = json.dumps(error_body("credentials missing or wrong: send Authorization: Bearer <password>, or HTTP "
                                     "Basic", "authentication_error")).encode()
        kind = b"application/json"
    else:
        body, kind = b"newsdesk: log in (HTTP Basic) to use this server\n", b"text/plain; charset=utf-8"
    await send({"type": "http.response.start", "status": 401, "headers": [
        (b"content-type", kind), (b"content-length", str(len(body)).encode()),
        (b"www-authenticate", b'Basic realm="newsdesk", charset="UTF-8"'),
    ]})
    await send({"type": "http.response.body", "body": body})


def _same(given: str, expected: str) -> bool:
    return secrets.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
