"""`GET /permissions`: the catalogue, public (IXON declares no application or token for it)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import Field

from app.auth.permissions import DESCRIPTIONS, Permission
from app.core import envelope
from app.core.envelope import ListEnvelope
from app.core.errors import BadRequest
from app.core.querying import ListQuery
from app.core.schemas import OutModel

router = APIRouter()


class PermissionOut(OutModel):
    default_fields = "publicId,description"

    publicId: str
    custom: dict[str, Any] = {}
    description: str = Field(description="What the permission allows (ours; IXON has none).")


@router.get("/permissions", tags=["PermissionList"], response_model=ListEnvelope[PermissionOut])
async def list_permissions(params: ListQuery) -> JSONResponse:
    chosen = list(Permission)
    for f in params.filters:
        if f.column != "publicId" or f.op not in ("eq", "ne", "in", "ni", "contains"):
            raise BadRequest(f"filters: '{f.text}' is not supported here", "filters")
        chosen = [p for p in chosen if _matches(f.op, p.value, f.values)]
    items: list[dict[str, Any]] = [
        {"publicId": p.value, "description": DESCRIPTIONS[p], "custom": {}} for p in chosen
    ]
    return envelope.present_page(
        "Permission", items, None, envelope.as_is, PermissionOut, params.fields
    )


def _matches(op: str, value: str, values: tuple[str | None, ...]) -> bool:
    if op == "eq":
        return value == values[0]
    if op == "ne":
        return value != values[0]
    if op == "in":
        return value in values
    if op == "ni":
        return value not in values
    return (values[0] or "").lower() in value.lower()
