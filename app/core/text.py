"""Text no part of the service can store or echo safely: NUL characters (PostgreSQL refuses
them in text, a 500 before this check) and lone UTF-16 surrogates (JSON's ``"\\ud800"``:
valid JSON, but no UTF-8 encoding exists, so a stored one breaks every answer that lists it).

Refused once, at the edge, wherever a request carries text: the path, the query string, every
header value and a JSON body. A query string must be UTF-8 (a lone surrogate written in it as
bytes is not). The portal's forms are checked by the portal, which answers with a page in the
reader's language (app/portal)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.types import Scope

from app.core.errors import ErrorItem

NUL_MESSAGE = "may not contain a NUL character"
SURROGATE_MESSAGE = "may not contain a lone surrogate (text must be valid Unicode)"
UTF8_MESSAGE = "must be valid UTF-8"
# Only a body that writes one of these escapes can decode to a NUL or a surrogate.
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def problem(text: str) -> str | None:
    """Why ``text`` is refused, or None."""
    if "\x00" in text:
        return NUL_MESSAGE
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE_MESSAGE
    return None


def _encoded_problem(raw: bytes) -> str | None:
    """A percent-encoded part (query string, form): NUL, or bytes that are not UTF-8."""
    decoded = unquote_to_bytes(raw.replace(b"+", b" "))
    if b"\x00" in decoded:
        return NUL_MESSAGE
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        return UTF8_MESSAGE
    return None


def _pairs(raw: bytes) -> list[tuple[str, bytes]]:
    named = []
    for part in raw.split(b"&"):
        name = part.partition(b"=")[0]
        label = unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8", "replace")
        named.append((label.replace("\x00", "") or "query", part))
    return named


def _query(raw: bytes) -> ErrorItem | None:
    if _encoded_problem(raw) is None:
        return None
    for name, part in _pairs(raw):
        if (reason := _encoded_problem(part)) is not None:
            return ErrorItem(f"The query parameter {name!r} {reason}", name[:100])
    return ErrorItem(f"The query string {UTF8_MESSAGE}")


def request_problem(scope: Scope) -> ErrorItem | None:
    """The first refused text of the path, query string or headers."""
    raw_path = scope.get("raw_path")
    reason = problem(scope["path"]) or (_encoded_problem(raw_path) if raw_path else None)
    if reason is not None:
        return ErrorItem(f"The path {reason}")
    if (found := _query(scope.get("query_string", b""))) is not None:
        return found
    for name, value in scope["headers"]:
        if b"\x00" in value:
            header = name.decode("latin-1")
            return ErrorItem(f"The header {header} {NUL_MESSAGE}", header)
    return None


def _walk(value: Any, path: tuple[str | int, ...]) -> tuple[tuple[str | int, ...], str] | None:
    if isinstance(value, str):
        reason = problem(value)
        return (path, reason) if reason else None
    if isinstance(value, dict):
        for key, item in value.items():
            if (reason := problem(key)) is not None:
                return (*path, "(a property name)"), reason
            if (found := _walk(item, (*path, key))) is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            if (found := _walk(item, (*path, index))) is not None:
                return found
    return None


def _json_problem(body: bytes) -> ErrorItem | None:
    if _SUSPECT_ESCAPE.search(body) is None:
        return None
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None  # not JSON: the operation's own parsing answers that
    found = _walk(document, ())
    if found is None:
        return None
    path, reason = found
    index = path[0] if path and isinstance(path[0], int) else None
    names = [str(p) for p in path if not isinstance(p, int)]
    prop = ".".join(names)[:200] or None
    return ErrorItem(f"{prop or 'A text of the body'} {reason}", prop, index)


def body_problem(body: bytes, content_type: str) -> ErrorItem | None:
    if not body:
        return None
    if content_type.split(";")[0].strip().lower() in _FORMS:
        return None
    return _json_problem(body)
