"""IXON's request headers, each checked in one place with a clear error naming it."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Header

from app.core.errors import BadRequest
from app.core.ids import COMPANY_ID_RE, PUBLIC_ID_RE

BRANDING_RE = re.compile(r"^.+(\..[^.]+)$")


async def api_version(
    value: Annotated[str, Header(alias="Api-Version", description="Must be 2.")],
) -> None:
    if value.strip() != "2":
        raise BadRequest(
            f"Api-Version {value!r} is not supported; send Api-Version: 2", "Api-Version"
        )


async def application_id(
    value: Annotated[
        str, Header(alias="Api-Application", description="Your application id (12 characters).")
    ],
) -> str:
    value = value.strip()
    if not PUBLIC_ID_RE.match(value):
        raise BadRequest("Api-Application must be 12 letters or digits", "Api-Application")
    return value


async def company_id(
    value: Annotated[
        str,
        Header(
            alias="Api-Company",
            description="The company's publicId, e.g. 1234-5678-9012-3456-7890.",
        ),
    ],
) -> str:
    value = value.strip()
    if not COMPANY_ID_RE.match(value):
        raise BadRequest("Api-Company must look like 1234-5678-9012-3456-7890", "Api-Company")
    return value


def _branding(value: str) -> str:
    value = value.strip().lower()
    if len(value) > 253 or not BRANDING_RE.match(value):
        raise BadRequest(
            "Api-Branding must be a domain name such as portal.ixon.cloud", "Api-Branding"
        )
    return value


async def branding_required(
    value: Annotated[
        str, Header(alias="Api-Branding", description="Domain whose branding e-mails use.")
    ],
) -> str:
    return _branding(value)


async def branding_optional(
    value: Annotated[
        str | None, Header(alias="Api-Branding", description="Domain whose branding e-mails use.")
    ] = None,
) -> str | None:
    return _branding(value) if value else None
