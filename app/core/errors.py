"""Every expected failure is an AppError; one handler turns it into IXON's error envelope."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class ErrorItem:
    message: str
    property_name: str | None = None
    list_index: int | None = None
    # A stable name of this failure for callers that tell failures apart (the command line's
    # CSV import); never sent, and never the message text, which may be reworded.
    code: str | None = None


class AppError(Exception):
    """Base of expected failures: a status, a stable code and one or more error items."""

    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(
        self,
        message: str,
        property_name: str | None = None,
        list_index: int | None = None,
        *,
        items: list[ErrorItem] | None = None,
        headers: dict[str, str] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.items = items or [ErrorItem(message, property_name, list_index, code)]
        self.headers = headers or {}

    @property
    def codes(self) -> frozenset[str]:
        """The stable codes of its items (see `ErrorItem.code`)."""
        return frozenset(i.code for i in self.items if i.code is not None)

    def at_index(self, index: int) -> AppError:
        """The same error, attributed to one item of a bulk body."""
        self.items = [replace(i, list_index=index) for i in self.items]
        return self


class BadRequest(AppError):
    status_code = 400
    code = "bad_request"


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class MethodNotAllowed(AppError):
    status_code = 405
    code = "method_not_allowed"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class Gone(AppError):
    status_code = 410
    code = "gone"


class UnsupportedMediaType(AppError):
    status_code = 415
    code = "unsupported_media_type"


class TooManyRequests(AppError):
    status_code = 429
    code = "too_many_requests"


def not_found(what: str, property_name: str | None = "publicId") -> NotFound:
    """The one wording for an object that does not exist or belongs to another company."""
    return NotFound(f"{what} not found", property_name)


def combine(errors: list[AppError], *, bulk: bool = True) -> AppError:
    """The errors of one request as one error, the most severe status winning: every failing
    item of a bulk body (each attributed with `at_index`), or of a path-id request (not
    ``bulk``), which names no list index."""
    first = max(errors, key=lambda e: e.status_code)
    items = [item for e in errors for item in e.items]
    if not bulk:
        items = [replace(i, list_index=None) for i in items]
    return type(first)("", items=items)
