"""IXON's response envelope, built here and nowhere else.

Success: ``{"type", "data", "moreAfter", "status": "success"}`` (``moreAfter`` on lists only).
Error:   ``{"type": "Error", "data": [{"message", "propertyName", "listIndex"}],
"status": "error"}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from app.core.errors import ErrorItem
from app.core.querying import DEFAULT_FIELDS, Selection, check_fields, project, shape_of

T = TypeVar("T")


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
    return JSONResponse({"type": type_, "data": data, "status": "success"}, status_code=status_code)


def listing(type_: str, data: Sequence[Any], more_after: str | None) -> JSONResponse:
    return JSONResponse(
        {"type": type_, "data": list(data), "moreAfter": more_after, "status": "success"}
    )


def created(type_: str, data: Any) -> JSONResponse:
    return success(type_, data, status_code=201)


def error(
    status_code: int, items: Sequence[ErrorItem], headers: Mapping[str, str] | None = None
) -> JSONResponse:
    body = {
        "type": "Error",
        "data": [
            {"message": i.message, "propertyName": i.property_name, "listIndex": i.list_index}
            for i in items
        ],
        "status": "error",
    }
    return JSONResponse(body, status_code=status_code, headers=dict(headers or {}))


def present_one(
    type_: str,
    obj: Any,
    presenter: Callable[[Any], dict[str, Any]],
    model: type[BaseModel],
    fields: Selection | None,
    *,
    status_code: int = 200,
    always: Sequence[str] = (),
) -> JSONResponse:
    """One object through its presenter and the caller's ``fields=`` selection."""
    if fields is not None:
        check_fields(fields, shape_of(model))
    data = presenter(obj)
    selected = project(data, fields, DEFAULT_FIELDS)
    for key in always:
        selected.setdefault(key, data[key])
    return success(type_, selected, status_code=status_code)


def present_page(
    type_: str,
    rows: Sequence[Any],
    more_after: str | None,
    presenter: Callable[[Any], dict[str, Any]],
    model: type[BaseModel],
    fields: Selection | None,
) -> JSONResponse:
    if fields is not None:
        check_fields(fields, shape_of(model))
    return listing(type_, [project(presenter(r), fields, DEFAULT_FIELDS) for r in rows], more_after)


def created_ids(type_: str, public_ids: Sequence[str]) -> JSONResponse:
    """A bulk POST's answer: ``[{publicId}]`` in request order.

    Always an array, also when one object was sent: IXON's schema declares an array, and SDKs
    generated from it cannot read anything else.
    """
    return created(type_, [{"publicId": p} for p in public_ids])
