"""`Idempotency-Key` on writes (POST, PUT, PATCH, DELETE) with a bearer token.

The first request with a key runs and its answer (status, body) is stored with a hash of the
request (method, path, query, body); a repeat with the same key and request gets that answer
again, without running (marked `Idempotent-Replayed: true`); the same key with another request
is a 422; a repeat while the first is still running is a 409. Keys are per token user and
`Api-Company`, and live 24 hours. An answer of 5xx is not kept: the request may be retried.
Requests without the header, or without a bearer token, are not affected.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from fastapi.routing import iter_route_contexts
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth.dependencies import bearer_secret
from app.core import envelope
from app.core.errors import ErrorItem
from app.core.prefix import without_prefix
from app.idempotency import service
from app.idempotency.service import Claimed, Refused, Replay

HEADER = "idempotency-key"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY_MAX = 255
STORED_MAX = 1 << 20  # bytes of an answer kept; a larger one is answered, not stored


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


async def _read(receive: Receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    return body


def _hash(scope: Scope, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (scope["method"], scope["path"], scope.get("query_string", b"").decode()):
        digest.update(part.encode() + b"\0")
    digest.update(body)
    return digest.hexdigest()


def _operations(app: Any) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    """(path pattern, methods) of every route, read once (as app/core/limits.py reads them)."""
    operations = getattr(app.state, "idempotent_operations", None)
    if operations is None:
        operations = [
            (route.path_regex, frozenset(route.methods or ()))
            for route in iter_route_contexts(list(app.routes))
        ]
        app.state.idempotent_operations = operations
    return operations


def _declared(scope: Scope) -> bool:
    """Whether the request is an operation: an undeclared method or path keeps its own answer
    (405, 404) whatever the key, instead of being claimed under it."""
    path, method = without_prefix(scope["path"]), scope["method"]
    return any(
        method in methods and pattern.match(path) for pattern, methods in _operations(scope["app"])
    )


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITES:
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        key = headers.get(HEADER)
        secret = bearer_secret(Request(scope))
        if key is None or secret is None or not _declared(scope):
            await self.app(scope, receive, send)
            return
        key = key.strip()
        if not key or len(key) > KEY_MAX:
            message = f"Idempotency-Key must be 1 to {KEY_MAX} characters"
            await self._error(scope, receive, send, 400, message)
            return
        maker = scope["app"].state.sessionmaker
        body = await _read(receive)
        user_id = await service.user_of(maker, secret)
        if user_id is None:  # authentication answers (401)
            await self.app(scope, _replaying(body, receive), send)
            return
        company = headers.get("api-company", "").strip()[:64]
        found = await service.claim(maker, user_id, company, key, _hash(scope, body))
        if isinstance(found, Refused):
            await self._error(scope, receive, send, found.status_code, found.message)
        elif isinstance(found, Replay):
            await _send_stored(send, found)
        else:
            await self._run(scope, _replaying(body, receive), send, maker, found)

    async def _run(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        maker: async_sessionmaker[AsyncSession],
        claimed: Claimed,
    ) -> None:
        status = 500
        content_type: str | None = None
        answer = bytearray()

        async def sending(message: Message) -> None:
            nonlocal status, content_type
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", []):
                    if name.lower() == b"content-type":
                        content_type = value.decode("latin-1")
            elif message["type"] == "http.response.body" and len(answer) <= STORED_MAX:
                answer.extend(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except BaseException:
            await service.release(maker, claimed)
            raise
        if status >= 500 or len(answer) > STORED_MAX:
            await service.release(maker, claimed)
        else:
            await service.finish(maker, claimed, status, content_type, bytes(answer))

    @staticmethod
    async def _error(scope: Scope, receive: Receive, send: Send, status: int, text: str) -> None:
        response = envelope.error(status, [ErrorItem(text, "Idempotency-Key")])
        await response(scope, receive, send)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """The body read already, then the client's own messages (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _send_stored(send: Send, replay: Replay) -> None:
    # No cache keeps a replay: the first answer may have carried a secret (and said so).
    headers = [
        (b"idempotent-replayed", b"true"),
        (b"cache-control", b"no-store"),
        (b"content-length", str(len(replay.body)).encode()),
    ]
    if replay.content_type:
        headers.append((b"content-type", replay.content_type.encode("latin-1")))
    await send({"type": "http.response.start", "status": replay.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": replay.body})
