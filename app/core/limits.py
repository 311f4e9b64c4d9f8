"""The edge of the service: what every request is checked for before any operation sees it.

- Its body is bounded. A body that declares (Content-Length) more than the limit is answered
  413 at once, unread; one that streams past it (chunked, or longer than declared) is refused
  at the chunk that crosses the limit, and the rest is never read. No body costs more than the
  limit in memory and time, so `/healthz` is not stuck behind a worker chewing 10 MB of JSON.
  Bulk operations (a JSON array of up to 4,000 items) have their own, larger limit:
  `IXON_MAX_BULK_BODY_BYTES`; every other request `IXON_MAX_BODY_BYTES`.
- Its text is text: no NUL and no lone surrogate in the path, query, headers or body
  (app/core/text.py).

The body is read here (bounded) and handed on unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, get_args, get_origin

from fastapi.routing import iter_route_contexts
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core import envelope, text
from app.core.errors import ErrorItem
from app.core.prefix import without_prefix


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


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


class _TooLarge(Exception):
    pass


class InputGuardMiddleware:
    def __init__(self, app: ASGIApp, *, max_body: int, max_bulk_body: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_bulk_body = max_bulk_body
        self._bulk: list[tuple[re.Pattern[str], frozenset[str]]] | None = None

    def limit_for(self, scope: Scope) -> int:
        if self._bulk is None:
            self._bulk = bulk_operations(getattr(scope.get("app"), "routes", ()))
        path, method = without_prefix(scope["path"]), scope["method"]
        for pattern, methods in self._bulk:
            if method in methods and pattern.match(path):
                return self.max_bulk_body
        return self.max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if (problem := text.request_problem(scope)) is not None:
            await envelope.error(400, [problem])(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(limit, scope, receive, send)
            return
        try:
            body, last = await _read(receive, limit)
        except _TooLarge:
            await self._too_large(limit, scope, receive, send)
            return
        content_type = (_header(scope, b"content-type") or b"").decode("latin-1")
        if (problem := text.body_problem(body, content_type)) is not None:
            await envelope.error(400, [problem])(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return last if last["type"] != "http.request" else {**last, "body": body}

        await self.app(scope, replay, send)

    @staticmethod
    async def _too_large(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        # The connection stays open: uvicorn discards what is still coming (no parsing, no
        # buffering) and the client reads this answer. Closing it instead resets a client
        # still sending, which then never sees the 413.
        response = envelope.error(413, [ErrorItem(too_large_message(limit))])
        await response(scope, receive, send)


async def _read(receive: Receive, limit: int) -> tuple[bytes, Message]:
    """The whole body (at most ``limit`` bytes) and the last message received."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), {**message, "more_body": False}
