"""Request validation failures in our own words: each names the property at fault and says
what is expected. No text of the validation library reaches a caller (its wording changes
between releases, and it speaks of Python types, not of IXON's JSON)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, get_args

from pydantic_core.core_schema import ErrorType

from app.core.errors import ErrorItem

# The validation library's own error kinds: their texts are never shown.
LIBRARY_ERRORS = frozenset(get_args(ErrorType))
BODY = "The request body"
NOT_JSON = "The request body is not valid JSON"
JSON_CONTENT_TYPE = "the body must be JSON (Content-Type: application/json)"
WIRE_HEADERS = {
    h.lower(): h
    for h in ("Api-Version", "Api-Application", "Api-Company", "Api-Branding", "Authorization")
}


def _plural(count: Any, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _text_length(what: str, ctx: dict[str, Any], bound: str) -> str:
    if bound == "min_length" and ctx.get(bound) == 1:
        return f"{what} may not be empty"
    limit = _plural(ctx.get(bound), "character")
    return f"{what} must have {'at least' if bound == 'min_length' else 'at most'} {limit}"


def _items(what: str, ctx: dict[str, Any], bound: str) -> str:
    limit = _plural(ctx.get(bound), "item")
    return f"{what} must have {'at least' if bound == 'min_length' else 'at most'} {limit}"


def _custom(what: str, ctx: dict[str, Any]) -> str:
    # Our own validators raise ValueError with a sentence meant for the caller.
    reason = ctx.get("error")
    return f"{what}: {reason}" if reason else f"{what} is not valid"


def _not_valid(what: str, ctx: dict[str, Any]) -> str:
    return f"{what} has a value that is not valid here"


Describe = Callable[[str, dict[str, Any]], str]
MESSAGES: dict[str, Describe] = {
    "missing": lambda w, c: f"{w} is required",
    "extra_forbidden": lambda w, c: f"{w} is not a property of this request",
    "not_null": lambda w, c: f"{w} may not be null",
    "string_type": lambda w, c: f"{w} must be a text (a JSON string)",
    "string_too_short": lambda w, c: _text_length(w, c, "min_length"),
    "string_too_long": lambda w, c: _text_length(w, c, "max_length"),
    "string_pattern_mismatch": lambda w, c: f"{w} must match the pattern {c.get('pattern')}",
    "int_type": lambda w, c: f"{w} must be a whole number",
    "int_parsing": lambda w, c: f"{w} must be a whole number",
    "int_from_float": lambda w, c: f"{w} must be a whole number",
    "float_type": lambda w, c: f"{w} must be a number",
    "float_parsing": lambda w, c: f"{w} must be a number",
    "bool_type": lambda w, c: f"{w} must be true or false",
    "bool_parsing": lambda w, c: f"{w} must be true or false",
    "greater_than": lambda w, c: f"{w} must be more than {c.get('gt')}",
    "greater_than_equal": lambda w, c: f"{w} must be at least {c.get('ge')}",
    "less_than": lambda w, c: f"{w} must be less than {c.get('lt')}",
    "less_than_equal": lambda w, c: f"{w} must be at most {c.get('le')}",
    "too_short": lambda w, c: _items(w, c, "min_length"),
    "too_long": lambda w, c: _items(w, c, "max_length"),
    "list_type": lambda w, c: f"{w} must be an array",
    "dict_type": lambda w, c: f"{w} must be an object",
    "model_type": lambda w, c: f"{w} must be an object",
    "model_attributes_type": lambda w, c: f"{w} must be an object",
    "datetime_type": lambda w, c: f"{w} must be a date-time such as 2025-01-31T12:00:00Z",
    "datetime_parsing": lambda w, c: f"{w} must be a date-time such as 2025-01-31T12:00:00Z",
    "datetime_from_date_parsing": lambda w, c: (
        f"{w} must be a date-time such as 2025-01-31T12:00:00Z"
    ),
    "timezone_aware": lambda w, c: f"{w} must be a date-time with a time zone offset",
    "literal_error": lambda w, c: f"{w} must be one of {c.get('expected')}",
    "enum": lambda w, c: f"{w} must be one of {c.get('expected')}",
    "value_error": _custom,
    "assertion_error": _custom,
}


def _property_and_index(loc: tuple[Any, ...]) -> tuple[str | None, int | None]:
    """A validation location as IXON's (propertyName, listIndex)."""
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


def _whole_body(kind: str, ctx: dict[str, Any]) -> str | None:
    """The message when the body itself (not one of its properties) is wrong."""
    if kind == "missing":
        return f"{BODY} is required: send a JSON object"
    if kind == "list_type":
        return f"{BODY} must be a JSON array of objects (or one object)"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{BODY} must be a JSON object"
    if kind == "too_long":
        return f"{BODY} must have at most {_plural(ctx.get('max_length'), 'item')}"
    return None


def describe(error: dict[str, Any]) -> ErrorItem:
    kind = str(error.get("type"))
    if kind == "json_invalid":
        return ErrorItem(NOT_JSON)
    prop, index = _property_and_index(tuple(error.get("loc", ())))
    ctx = error.get("ctx") or {}
    if prop is None and (whole := _whole_body(kind, ctx)) is not None:
        return ErrorItem(whole, None, index)
    what = prop or "This value"
    message = MESSAGES.get(kind)
    if message is not None:
        return ErrorItem(message(what, ctx), prop, index)
    if kind not in LIBRARY_ERRORS and error.get("msg"):
        # Our own PydanticCustomError: its text is a predicate of ours ("may not be null").
        return ErrorItem(f"{what} {error['msg']}", prop, index)
    return ErrorItem(_not_valid(what, ctx), prop, index)


def validation_items(errors: Iterable[dict[str, Any]]) -> list[ErrorItem]:
    """Each problem once, in the order found."""
    return list(dict.fromkeys(describe(e) for e in errors))
