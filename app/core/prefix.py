"""`/api/...` is the same API as `/...` (IXON's documentation uses both).

Instead of mounting every router twice (every request then matched against twice the routes),
this middleware moves the `/api` prefix into the ASGI `root_path`: routing sees the path
without it and matches one tree once. Only paths whose first segment is one of the API's are
moved (or, for routes that start with a parameter, such as SCIM's `/{version}/...`, paths
their pattern matches), so the portal, the docs, the probes and the OpenAPI document stay
where they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

PREFIX = "/api"
# Set when the prefix was moved, for the request log (app/observability/middleware.py).
SCOPE_KEY = "ixon.prefix"


@dataclass(frozen=True, slots=True)
class ApiPaths:
    """What `/api` serves: paths by their first segment, and patterns that start with one."""

    segments: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]

    @classmethod
    def of(cls, paths: Iterable[str]) -> ApiPaths:
        firsts = {path: path.split("/", 2)[1] for path in paths if path.startswith("/")}
        literal = frozenset(first for first in firsts.values() if "{" not in first)
        patterns = tuple(compile_path(path)[0] for path, first in firsts.items() if "{" in first)
        return cls(literal, patterns)

    def serves(self, path: str) -> bool:
        """Whether the API serves ``path`` (without the prefix)."""
        return path.split("/", 2)[1] in self.segments or any(
            pattern.match(path) for pattern in self.patterns
        )


def without_prefix(path: str) -> str:
    """``path`` as routing matches it, for a middleware that runs before the prefix is moved."""
    return path[len(PREFIX) :] if path.startswith(PREFIX + "/") else path


def route_path(scope: Scope) -> str:
    """The path routing sees: without the root path (as Starlette's private helper does)."""
    path: str = scope["path"]
    root = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root + "/") else path


class ApiPrefixMiddleware:
    def __init__(self, app: ASGIApp, paths: ApiPaths) -> None:
        self.app = app
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = route_path(scope)
            if path == PREFIX or (path.startswith("/api/") and self.paths.serves(path[4:])):
                scope["root_path"] = scope.get("root_path", "") + PREFIX
                scope[SCOPE_KEY] = PREFIX
        await self.app(scope, receive, send)
