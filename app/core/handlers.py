"""Exception handlers: every failure leaves in IXON's error envelope, never with a stack trace."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core import envelope
from app.core.errors import AppError, ErrorItem

logger = logging.getLogger("app.errors")

WIRE_HEADERS = {
    h.lower(): h
    for h in ("Api-Version", "Api-Application", "Api-Company", "Api-Branding", "Authorization")
}
REQUEST_ID_HEADER = "X-Request-Id"
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _property_and_index(loc: tuple[Any, ...]) -> tuple[str | None, int | None]:
    """Turn a pydantic location into IXON's (propertyName, listIndex)."""
    where, *rest = loc or ("body",)
    if where == "header" and rest:
        name = str(rest[0]).lower().replace("_", "-")
        return WIRE_HEADERS.get(name, str(rest[0])), None
    if where == "body" and rest and isinstance(rest[0], int):
        index, rest = rest[0], rest[1:]
    else:
        index = None
    path = [str(p) for p in rest if not isinstance(p, int)]
    return (".".join(path) or None), index


def _message(err: dict[str, Any], prop: str | None) -> str:
    kind = err.get("type")
    if kind == "json_invalid":
        return "The request body is not valid JSON"
    if kind == "missing":
        if prop in WIRE_HEADERS.values():
            return f"The {prop} header is required"
        return f"{prop or 'The request body'} is required"
    if kind == "extra_forbidden":
        return f"{prop} is not a field of this request"
    return f"{prop}: {err.get('msg', 'invalid value')}" if prop else str(err.get("msg"))


def validation_items(errors: list[dict[str, Any]]) -> list[ErrorItem]:
    items: list[ErrorItem] = []
    for err in errors:
        loc = tuple(err.get("loc", ()))
        if err.get("type") == "json_invalid":
            items.append(ErrorItem(_message(err, None)))
            continue
        prop, index = _property_and_index(loc)
        items.append(ErrorItem(_message(err, prop), prop, index))
    return items


async def app_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return envelope.error(exc.status_code, exc.items, exc.headers)


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return envelope.error(400, validation_items(list(exc.errors())))


async def http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        message = f"There is no endpoint at {request.url.path}"
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
    else:
        message = str(exc.detail)
    return envelope.error(exc.status_code, [ErrorItem(message)], exc.headers)


async def database_unavailable_handler(request: Request, exc: Exception) -> JSONResponse:
    """A database that is down or too busy is the operator's problem, not the caller's: 503."""
    request_id = getattr(request.state, "request_id", "-")
    logger.error("database unavailable, request id %s: %s", request_id, type(exc).__name__)
    return envelope.error(
        503,
        [ErrorItem(f"The database is unavailable or busy; try again (request id {request_id})")],
        {"Retry-After": "1"},
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(AppError, app_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(OperationalError, database_unavailable_handler)
    app.add_exception_handler(InterfaceError, database_unavailable_handler)
    app.add_exception_handler(ConnectionError, database_unavailable_handler)
    app.add_middleware(RequestIdMiddleware)


class RequestIdMiddleware:
    """Gives every request an id (returned as a header), and answers an unexpected error with a
    500 in the envelope while the stack trace goes to the log under that id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = incoming = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
        request_id = incoming if incoming and _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        header = (REQUEST_ID_HEADER.lower().encode(), request_id.encode())

        async def send_with_id(message: Message) -> None:
            nonlocal sent
            if message["type"] == "http.response.start":
                sent = True
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("unexpected error, request id %s", request_id)
            if sent:
                raise
            response = envelope.error(
                500, [ErrorItem(f"Internal error; quote request id {request_id} to the operator")]
            )
            await response(scope, receive, send_with_id)
