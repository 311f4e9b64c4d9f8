"""Building blocks of request and response models shared by every domain."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, ClassVar, TypeVar

from fastapi import Path
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from app.core import clock, passwords

T = TypeVar("T")


class WireModel(BaseModel):
    """Request bodies: IXON's field names, unknown fields refused with a clear message."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# Passwords are taken exactly as typed (never trimmed), 8 to 1024 characters.
Password = Annotated[str, StringConstraints(strip_whitespace=False, min_length=8, max_length=1024)]


def _not_too_easy(value: str) -> str:
    if passwords.too_easy(value):
        raise PydanticCustomError("password_too_easy", passwords.TOO_COMMON)
    return value


# A password being chosen (not one being checked): also refused when it is too easy to guess.
NewPassword = Annotated[Password, AfterValidator(_not_too_easy)]


def _wire_datetime(value: datetime) -> datetime:
    utc = clock.in_range(value)
    if utc is None:
        raise PydanticCustomError("datetime_out_of_range", clock.OUT_OF_RANGE)
    return utc


# A date-time of a body: with a time zone offset (else UTC), within clock.EARLIEST..LATEST.
WireDateTime = Annotated[datetime, AfterValidator(_wire_datetime)]


def not_null(value: Any) -> Any:
    """For PATCH fields that may be left out but not set to null (validators run only for
    fields that were sent): ``field_validator(...)(not_null)``."""
    if value is None:
        raise PydanticCustomError("not_null", "may not be null")
    return value


def _nothing_required(schema: dict[str, Any]) -> None:
    schema.pop("required", None)


class OutModel(BaseModel):
    """A resource as answers show it. `fields=` decides which fields an answer carries, so the
    published schema requires none of them: SDKs generated from it then read any selection.

    ``default_fields`` is what an answer shows when the request has no `fields=` (a `fields=`
    expression; docs/compatibility.md lists every resource's, generated from these)."""

    model_config = ConfigDict(json_schema_extra=_nothing_required)

    default_fields: ClassVar[str] = "publicId,name"


class Ref(BaseModel):
    """A reference to another object, as IXON writes them: ``{"publicId": "..."}``."""

    model_config = ConfigDict(extra="ignore")

    publicId: str = Field(min_length=1, max_length=255)


class PublicIdItem(WireModel):
    """One item of a bulk PATCH/DELETE body."""

    publicId: str = Field(min_length=1, max_length=255)


class PublicIdOut(BaseModel):
    publicId: str


MAX_BULK_ITEMS = 4000
MAX_CUSTOM_BYTES = 16 * 1024
MAX_CUSTOM_DEPTH = 8


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


def _bounded_custom(value: dict[str, Any]) -> dict[str, Any]:
    # Stored as one JSON column and sent back in every answer that shows it: bounded like text.
    if _depth(value) > MAX_CUSTOM_DEPTH:
        raise PydanticCustomError(
            "custom_too_deep", f"may nest objects and arrays at most {MAX_CUSTOM_DEPTH} deep"
        )
    if len(json.dumps(value, ensure_ascii=False).encode()) > MAX_CUSTOM_BYTES:
        raise PydanticCustomError(
            "custom_too_large", f"may take at most {MAX_CUSTOM_BYTES} bytes as JSON"
        )
    return value


# Free-form JSON objects of a body (`custom`, a company's `branding`).
Custom = Annotated[
    dict[str, Any],
    AfterValidator(_bounded_custom),
    WithJsonSchema(
        {
            "type": "object",
            "additionalProperties": True,
            "description": f"Free-form JSON: at most {MAX_CUSTOM_BYTES} bytes, "
            f"{MAX_CUSTOM_DEPTH} levels deep.",
        }
    ),
]


def _as_list(value: Any) -> Any:
    # Counted before any item is validated: 100,000 bad items cost one check, not 100,000.
    if isinstance(value, list) and len(value) > MAX_BULK_ITEMS:
        raise PydanticCustomError("too_long", "too long", {"max_length": MAX_BULK_ITEMS})
    return [value] if isinstance(value, dict) else value


# A collection body: a JSON array, or one object taken as a list of one (REFERENCE.md §7).
Bulk = Annotated[list[T], BeforeValidator(_as_list), Field(min_length=1, max_length=MAX_BULK_ITEMS)]


PublicIdPath = Annotated[str, Path(alias="publicId", description="The object's publicId.")]
