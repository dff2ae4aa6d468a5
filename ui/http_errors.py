"""How the HTTP API (:mod:`ui.http`) reports errors: OpenAI's shape ``{"error": {"message", "type", "param",
"code"}}``, one readable line with no file path, and the HTTP status of each kind of failure (400 a bad argument,
422 a malformed body, 502 the language model, 503 busy or no archive, 500 a bug, logged with its traceback)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from qa import InvalidArgumentError, LLMError, NewsDeskError
from ui.fields import without_paths

logger = logging.getLogger(__name__)
T = TypeVar("T")


class APIError(Exception):
    """An error the API reports in OpenAI's shape."""

    def __init__(self, status: int, message: str, kind: str = "invalid_request_error", param: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.kind, self.param, self.headers = status, message, kind, param, headers

    def response(self) -> JSONResponse:
        """The error as an HTTP response."""
        return JSONResponse(error_body(self.message, self.kind, self.param), self.status, headers=self.headers)


def error_body(message: str, kind: str = "invalid_request_error", param: str | None = None) -> dict[str, Any]:
    """OpenAI's error shape, with the message on one line and no file paths."""
    line = without_paths(message, "<path>")
    return {"error": {"message": line[:500], "type": kind, "param": param, "code": None}}


def handle_errors(api: FastAPI) -> None:
    """Every error of the API in OpenAI's shape, one line, no traceback or file path."""

    @api.exception_handler(APIError)
    async def api_error(_: Request, exc: APIError) -> JSONResponse:
        return exc.response()

    @api.exception_handler(NewsDeskError)
    async def newsdesk_error(_: Request, exc: NewsDeskError) -> JSONResponse:
        return error_of(exc).response()

    @api.exception_handler(RequestValidationError)
    async def invalid_body(_: Request, exc: RequestValidationError) -> JSONResponse:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"] if part != "body") or "body"
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        return APIError(422, f"{where}: {problem['msg']}{more}", param=where).response()

    @api.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        kind = "not_found_error" if exc.status_code == 404 else "invalid_request_error"
        return APIError(exc.status_code, str(exc.detail), kind, headers=exc.headers).response()


def error_of(exc: BaseException) -> APIError:
    if isinstance(exc, APIError):
        return exc
    if isinstance(exc, InvalidArgumentError):  # the request's fault: a blank question, a bad filter
        return APIError(400, str(exc))
    if isinstance(exc, LLMError):
        return APIError(502, f"the language model failed: {exc}", "server_error")
    if isinstance(exc, NewsDeskError):  # the server's state: no archive yet, an archive being written
        return APIError(503, str(exc), "server_error")
    return APIError(500, "newsdesk hit an internal error; the server log has the details", "server_error")


def guarded(work: Callable[[], T]) -> Callable[[], T]:
    """``work`` with bugs logged here, with their traceback, and reported as a bare 500."""

    @functools.wraps(work)
    def run() -> T:
        try:
            return work()
        except (NewsDeskError, APIError):
            raise
        except Exception as exc:
            logger.exception("newsdesk API request failed")
            raise error_of(exc) from exc

    return run
