"""Request bodies bounded before anything parses them.

A body that declares (Content-Length) more than the limit is answered 413 at once, unread; a
body that streams past it (chunked, or longer than declared) is refused at the chunk that
crosses the limit, and the rest is never read. So no body costs more than the limit in memory
and time, and `/healthz` is not stuck behind a worker chewing a 10 MB JSON document.

Bulk operations (a JSON array of up to 4,000 items) may be larger than single-object bodies:
`IXON_MAX_BULK_BODY_BYTES` applies to them, `IXON_MAX_BODY_BYTES` to every other request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, get_args, get_origin

from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core import envelope
from app.core.errors import ErrorItem

API_PREFIX = "/api"


class BodyTooLarge(HTTPException):
    """Raised from `receive` while the app reads a body that passes the limit. FastAPI lets an
    HTTPException out of its body reading untouched, and app/core/handlers.py answers it."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_message(limit))


def too_large_message(limit: int) -> str:
    return f"The request body is too large: at most {limit} bytes are accepted here"


def _takes_a_list(route: Any) -> bool:
    body = getattr(route, "body_field", None)
    if body is None:
        return False
    annotation = body.field_info.annotation
    # Bulk[...] is Annotated[list[T], ...]; FastAPI keeps the list as the annotation.
    return any(get_origin(a) is list for a in (annotation, *get_args(annotation)))


def bulk_operations(routes: Iterable[Any]) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    """(path pattern, methods) of every operation whose body is a list (a bulk body)."""
    return [
        (route.path_regex, frozenset(route.methods or ()))
        for route in iter_route_contexts(list(routes))
        if _takes_a_list(route)
    ]


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_body: int, max_bulk_body: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_bulk_body = max_bulk_body
        self._bulk: list[tuple[re.Pattern[str], frozenset[str]]] | None = None

    def limit_for(self, scope: Scope) -> int:
        if self._bulk is None:
            self._bulk = bulk_operations(getattr(scope.get("app"), "routes", ()))
        path, method = scope["path"], scope["method"]
        if path.startswith(API_PREFIX + "/"):
            path = path[len(API_PREFIX) :]
        for pattern, methods in self._bulk:
            if method in methods and pattern.match(path):
                return self.max_bulk_body
        return self.max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            response = envelope.error(
                413, [ErrorItem(too_large_message(limit))], {"Connection": "close"}
            )
            await response(scope, receive, send)
            return
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, bounded_receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
