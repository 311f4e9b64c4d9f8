"""Exception handlers: every failure leaves in IXON's error envelope (a JSON body with
`status`, which clients read whatever the HTTP status), never with a stack trace."""

from __future__ import annotations

import logging
import re
import uuid

from fastapi import FastAPI, Request, params
from fastapi.dependencies.utils import get_flat_params
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth import headers
from app.core import envelope, validation
from app.core.errors import AppError, ErrorItem

logger = logging.getLogger("app.errors")

REQUEST_ID_HEADER = "X-Request-Id"
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_JSON_TYPE_RE = re.compile(r"^application/([a-z0-9.+-]*\+)?json\s*(;|$)", re.IGNORECASE)


async def app_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return envelope.error(exc.status_code, exc.items, exc.headers)


def _declared_headers(request: Request) -> list[tuple[str, bool]]:
    """The IXON headers the matched operation takes: (name, required)."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    if dependant is None:
        return [("Api-Version", True)]
    return [
        (field.alias, field.field_info.is_required())
        for field in get_flat_params(dependant)
        if field.alias in headers.RULES
    ]


def _header_items(request: Request) -> list[ErrorItem]:
    """Every IXON header problem of the request, once each (Api-Version's alone)."""
    return headers.header_problems(request.headers, _declared_headers(request))


async def header_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, headers.HeaderError)
    return envelope.error(400, _header_items(request) or exc.items)


def _json_declared(request: Request) -> bool:
    """No Content-Type, or a JSON one (IXON's clients send JSON bodies without the header), or
    an operation that reads a form (the portal's pages), not JSON."""
    content_type = request.headers.get("content-type")
    if not content_type or _JSON_TYPE_RE.match(content_type.strip()) is not None:
        return True
    body = getattr(request.scope.get("route"), "body_field", None)
    return body is not None and isinstance(body.field_info, params.Form)


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Headers first (each problem once), then a body that is not JSON (415), then the rest."""
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    locations = [tuple(e.get("loc", ()))[:1] for e in errors]
    if ("header",) in locations and (items := _header_items(request)):
        return envelope.error(400, items)
    if ("body",) in locations and not _json_declared(request):
        return envelope.error(415, [ErrorItem(validation.JSON_CONTENT_TYPE)])
    return envelope.error(400, validation.validation_items(errors))


def _allowed_methods(request: Request) -> str:
    """Every method some operation serves at this path (a 405's `Allow`)."""
    path, root = request.scope["path"], request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :] or "/"
    # The most literal path template that matches wins: `/invites/resend` is that path, not
    # `/invites/{publicId}` with publicId "resend", so its Allow is POST only.
    by_template: dict[str, set[str]] = {}
    for route in iter_route_contexts(request.app.routes):
        regex = getattr(route, "path_regex", None)
        if regex is not None and route.methods and regex.match(path):
            by_template.setdefault(getattr(route, "path", ""), set()).update(route.methods)
    if not by_template:
        return ""
    template = min(by_template, key=lambda t: t.count("{"))
    return ", ".join(sorted(by_template[template]))


async def http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    extra = dict(exc.headers or {})
    if exc.status_code == 404:
        message = f"There is no endpoint at {request.url.path}"
    elif exc.status_code == 405:
        extra["Allow"] = _allowed_methods(request) or extra.get("Allow", "")
        message = f"{request.method} is not allowed on {request.url.path}: use {extra['Allow']}"
    elif exc.status_code == 415:
        message = validation.JSON_CONTENT_TYPE
    else:
        message = str(exc.detail)
    return envelope.error(exc.status_code, [ErrorItem(message)], extra)


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
    app.add_exception_handler(headers.HeaderError, header_error_handler)
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
