"""IXON's request headers, each checked in one place, with IXON's own error texts.

IXON's clients match the message of a header error: `Required header`, `Invalid value`,
`Value is too short` or `Value is too long`, with `propertyName` the header's name. When a
request has several header problems, app/core/handlers.py answers each of them once
(`header_problems`), and `Api-Version` alone when it is one of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import Header

from app.core.errors import BadRequest, ErrorItem
from app.core.ids import COMPANY_ID_RE, PUBLIC_ID_RE

BRANDING_RE = re.compile(r"^.+(\..[^.]+)$")

REQUIRED = "Required header"
INVALID = "Invalid value"
TOO_SHORT = "Value is too short"
TOO_LONG = "Value is too long"


@dataclass(frozen=True, slots=True)
class Rule:
    """IXON's schema of a header value: its length bounds and pattern."""

    pattern: re.Pattern[str]
    min_length: int = 0
    max_length: int | None = None


# In the order their problems are reported.
RULES = {
    "Api-Version": Rule(re.compile(r"^2$")),
    "Api-Application": Rule(PUBLIC_ID_RE, 12, 12),
    "Api-Company": Rule(COMPANY_ID_RE, 24, 24),
    "Api-Branding": Rule(BRANDING_RE, 4, 253),
}


class HeaderError(BadRequest):
    """A header's value is wrong. The handler answers every header problem of the request."""


def problem(name: str, value: str | None) -> str | None:
    """IXON's text for what is wrong with the value of header ``name``, or None."""
    value = (value or "").strip()
    if not value:
        return REQUIRED
    rule = RULES[name]
    if len(value) < rule.min_length:
        return TOO_SHORT
    if rule.max_length is not None and len(value) > rule.max_length:
        return TOO_LONG
    return None if rule.pattern.match(value) else INVALID


def _checked(name: str, value: str) -> str:
    message = problem(name, value)
    if message is not None:
        raise HeaderError(message, name)
    return value.strip()


def header_problems(
    sent: Mapping[str, str], declared: Iterable[tuple[str, bool]]
) -> list[ErrorItem]:
    """Every problem of the headers an operation ``declared`` (name, required), once each;
    only Api-Version's when it has one (it is answered first, as IXON does)."""
    wanted = dict(declared)
    items = []
    for name in RULES:
        if name not in wanted:
            continue
        value = sent.get(name)
        if not (value or "").strip() and not wanted[name]:
            continue
        message = problem(name, value)
        if message is not None:
            items.append(ErrorItem(message, name))
            if name == "Api-Version":
                return items
    return items


def unknown_application() -> BadRequest:
    """A well-formed Api-Application that names no registered, enabled application."""
    return BadRequest(INVALID, "Api-Application")


async def api_version(
    value: Annotated[str, Header(alias="Api-Version", description="Must be 2.")],
) -> None:
    _checked("Api-Version", value)


async def application_id(
    value: Annotated[
        str, Header(alias="Api-Application", description="Your application id (12 characters).")
    ],
) -> str:
    return _checked("Api-Application", value)


async def company_id(
    value: Annotated[
        str,
        Header(
            alias="Api-Company",
            description="The company's publicId, e.g. 1234-5678-9012-3456-7890.",
        ),
    ],
) -> str:
    return _checked("Api-Company", value)


async def branding_required(
    value: Annotated[
        str, Header(alias="Api-Branding", description="Domain whose branding e-mails use.")
    ],
) -> str:
    return _checked("Api-Branding", value).lower()


async def branding_optional(
    value: Annotated[
        str | None, Header(alias="Api-Branding", description="Domain whose branding e-mails use.")
    ] = None,
) -> str | None:
    return _checked("Api-Branding", value).lower() if value and value.strip() else None
