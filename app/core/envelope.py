"""IXON's response envelope, built and serialized here and nowhere else.

Success: ``{"type", "data", "moreAfter", "status": "success"}`` (``moreAfter`` on lists only).
Error:   ``{"type": "Error", "data": [{"message", "propertyName", "listIndex"}],
"status": "error"}``.

Bodies are written as IXON writes them: ``", "`` and ``": "`` between items and keys, and
each resource's properties in its schema's order, publicId first (app/core/projection.py).
Some clients read ``"secretId": "..."`` with a regular expression. `render` is the one
serializer; bench/serialization.py measured the choice.
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from app.core.errors import ErrorItem
from app.core.projection import apply, plan_for
from app.core.selection import Selection

T = TypeVar("T")


def _serializer() -> Callable[[Any], str]:
    """IXON's JSON writer, built once. `json.dumps` with our arguments builds an encoder per
    call, and so does `JSONEncoder.encode` for its C core. Building that core once is never
    slower and saves up to half the time of a small answer such as an error envelope
    (bench/serialization.py). It is CPython's `json.encoder.c_make_encoder`; where it is
    missing, the public encoder does the same work."""
    public = json.JSONEncoder(
        ensure_ascii=False, allow_nan=False, check_circular=False, separators=(", ", ": ")
    )
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return public.encode
    core = make(
        None, public.default, json.encoder.encode_basestring, None, ": ", ", ", False, False, False
    )
    return lambda content: "".join(core(content, 0))


_write = _serializer()


def render(content: Any) -> bytes:
    """JSON as IXON writes it (UTF-8, ``", "`` and ``": "``)."""
    return _write(content).encode("utf-8")


class IxonJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return render(content)


class ErrorItemOut(BaseModel):
    message: str
    propertyName: str | None = None
    listIndex: int | None = None


class ErrorEnvelope(BaseModel):
    type: str = "Error"
    data: list[ErrorItemOut]
    status: str = "error"


class Envelope(BaseModel, Generic[T]):
    """A single object, a write result (``data`` null) or a bulk POST result."""

    type: str
    data: T
    status: str = "success"


class ListEnvelope(BaseModel, Generic[T]):
    type: str
    data: list[T]
    moreAfter: str | None = Field(
        None, description="Cursor for `page-after`; null on the last page."
    )
    status: str = "success"


def success(type_: str, data: Any, *, status_code: int = 200) -> JSONResponse:
    return IxonJSONResponse(
        {"type": type_, "data": data, "status": "success"}, status_code=status_code
    )


def listing(type_: str, data: Sequence[Any], more_after: str | None) -> JSONResponse:
    return IxonJSONResponse(
        {"type": type_, "data": list(data), "moreAfter": more_after, "status": "success"}
    )


def created(type_: str, data: Any) -> JSONResponse:
    return success(type_, data, status_code=201)


MAX_ERROR_ITEMS = 100
MAX_MESSAGE_CHARS = 500


def bounded(items: Sequence[ErrorItem]) -> list[ErrorItem]:
    """At most MAX_ERROR_ITEMS items, then one that counts the rest; each message cut short.
    A hostile body must not turn into an answer larger than itself (messages quote paths and
    values)."""
    kept = [
        i
        if len(i.message) <= MAX_MESSAGE_CHARS
        else ErrorItem(i.message[: MAX_MESSAGE_CHARS - 1] + "…", i.property_name, i.list_index)
        for i in items[:MAX_ERROR_ITEMS]
    ]
    if len(items) > MAX_ERROR_ITEMS:
        rest = len(items) - MAX_ERROR_ITEMS
        kept.append(ErrorItem(f"… and {rest} more {'error' if rest == 1 else 'errors'}"))
    return kept


def error(
    status_code: int, items: Sequence[ErrorItem], headers: Mapping[str, str] | None = None
) -> JSONResponse:
    items = bounded(items)
    body = {
        "type": "Error",
        "data": [
            {"message": i.message, "propertyName": i.property_name, "listIndex": i.list_index}
            for i in items
        ],
        "status": "error",
    }
    return IxonJSONResponse(body, status_code=status_code, headers=dict(headers or {}))


def as_is(item: Any) -> Any:
    """The presenter of items that are wire dicts already."""
    return item


def present_one(
    type_: str,
    obj: Any,
    presenter: Callable[[Any], Mapping[str, Any]],
    model: type[BaseModel],
    fields: Selection | None,
    *,
    status_code: int = 200,
    always: Sequence[str] = (),
) -> JSONResponse:
    """One object through its presenter and the caller's ``fields=`` (or the model's default);
    ``always`` names fields shown whatever was asked."""
    plan = plan_for(model, fields, always)
    return success(type_, apply(plan, presenter(obj)), status_code=status_code)


def present_page(
    type_: str,
    rows: Sequence[Any],
    more_after: str | None,
    presenter: Callable[[Any], Mapping[str, Any]],
    model: type[BaseModel],
    fields: Selection | None,
) -> JSONResponse:
    plan = plan_for(model, fields)
    return listing(type_, [apply(plan, presenter(r)) for r in rows], more_after)


def created_ids(type_: str, public_ids: Sequence[str]) -> JSONResponse:
    """A bulk POST's answer: ``[{publicId}]`` in request order.

    Always an array, also when one object was sent: IXON's schema declares an array, and SDKs
    generated from it cannot read anything else.
    """
    return created(type_, [{"publicId": p} for p in public_ids])
