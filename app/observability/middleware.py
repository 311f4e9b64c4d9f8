"""One log line and one metrics observation per request.

Sits inside `RequestIdMiddleware` (app/core/handlers.py): the request id is known when the
request arrives here, and an unexpected exception passing through on its way to that
middleware's 500 is recorded as a 500. The line names the route's path template, never the
raw path (invite links carry secrets in it), and no header, body or query value.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core import prefix
from app.observability.logs import REQUEST_LOGGER, request_id_var
from app.observability.metrics import HttpMetrics

logger = logging.getLogger(REQUEST_LOGGER)

METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"})
UNMATCHED = "<unmatched>"
# Probed every few seconds by orchestrators: logged at DEBUG so they do not drown the rest.
QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})
CLIENT_CLOSED = 499  # nginx's status for a request whose client went away before the answer


def route_template(scope: Scope, root_path: str) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path  # `/api/roles` is counted as `/roles`: the same operation
    root_path += scope.get(prefix.SCOPE_KEY, "")  # `/api`, moved aside before routing
    mounted = scope.get("root_path", "")
    if mounted and mounted != root_path:  # a Mount (static files): its prefix
        return f"{mounted[len(root_path) :]}/{{path}}"
    return UNMATCHED


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))[:64]
    return None


def _caller(scope: Scope) -> tuple[str | None, str | None]:
    """The authenticated user and company, when the auth layer left them in the request state
    (`request.state.caller`); else the company the request names in `Api-Company`."""
    user, company = scope.get("state", {}).get("caller") or (None, None)
    return user, company or _header(scope, b"api-company")


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, metrics: HttpMetrics | None) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        root_path = scope.get("root_path", "")
        status = 0
        token = request_id_var.set(scope.get("state", {}).get("request_id"))

        async def send_and_watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_watch)
        except Exception:
            status = status or 500
            raise
        finally:
            self._record(scope, root_path, status or CLIENT_CLOSED, time.perf_counter() - start)
            request_id_var.reset(token)

    def _record(self, scope: Scope, root_path: str, status: int, seconds: float) -> None:
        method = scope["method"] if scope["method"] in METHODS else "OTHER"
        route = route_template(scope, root_path)
        if self.metrics is not None:
            self.metrics.observe(method, route, status, seconds)
        level = logging.DEBUG if route in QUIET_ROUTES and status < 400 else logging.INFO
        if not logger.isEnabledFor(level):
            return
        user, company = _caller(scope)
        client = scope.get("client")
        fields = {
            "request_id": scope.get("state", {}).get("request_id"),
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "user": user,
            "company": company,
            "application": _header(scope, b"api-application"),
            "client": client[0] if client else None,
        }
        logger.log(
            level,
            "%s %s %s %.1f ms",
            *(method, route, status, seconds * 1000),
            extra={"fields": fields},
        )
