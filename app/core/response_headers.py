"""Headers that keep answers from being misread or kept: `X-Content-Type-Options: nosniff` on
every answer (a browser never guesses a type other than the one sent), and `Cache-Control:
no-store` on the answers that carry a secret (a new access token, a service account's
token), so no browser cache or proxy keeps a copy.

A pure ASGI middleware (no body buffering), installed outside the others so that error and
500 answers carry the header too.
"""

from __future__ import annotations

from typing import TypeVar

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

NOSNIFF = (b"x-content-type-options", b"nosniff")
R = TypeVar("R", bound=Response)


class NoSniffMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != NOSNIFF[0]]
                message = {**message, "headers": [*headers, NOSNIFF]}
            await send(message)

        await self.app(scope, receive, sending)


def no_store(response: R) -> R:
    """``response``, marked as one no cache may keep (it carries a secret)."""
    response.headers["Cache-Control"] = "no-store"
    return response
