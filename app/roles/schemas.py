from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator
from pydantic_core import PydanticCustomError

from app.core.schemas import Custom, OutModel, PublicIdItem, Ref, WireModel


def _not_null(value: Any) -> Any:
    """For PATCH fields that may be left out but not set to null (validators run only for
    fields that were sent)."""
    if value is None:
        raise PydanticCustomError("not_null", "may not be null")
    return value


class RolePermissionOut(OutModel):
    publicId: str
    custom: dict[str, Any] = {}


class AudienceOut(OutModel):
    publicId: str
    name: str | None = None


class RoleOut(OutModel):
    default_fields = "publicId,name,description"

    publicId: str
    name: str
    description: str | None = None
    enforce2fa: bool = False
    enforceSso: bool = False
    permissions: list[RolePermissionOut] = []
    audiences: list[AudienceOut] = []
    custom: dict[str, Any] = {}


class RoleCreate(WireModel):
    name: str = Field(min_length=1, max_length=255)
    description: str | None = Field(None, max_length=255)
    enforce2fa: bool = False
    enforceSso: bool = False
    permissions: list[Ref] = Field([], max_length=1000)
    audiences: list[Ref] = Field(
        [], max_length=1000, description="Accepted for compatibility and not stored."
    )
    custom: Custom = {}


class RoleUpdate(WireModel):
    """Only the fields sent change; ``description`` may be null, the others may not."""

    name: str | None = Field(None, min_length=1, max_length=255)
    description: str | None = Field(None, max_length=255)
    enforce2fa: bool | None = None
    enforceSso: bool | None = None
    custom: Custom | None = None

    _not_null = field_validator("name", "enforce2fa", "enforceSso", "custom")(_not_null)


class RoleBulkUpdate(RoleUpdate):
    publicId: str = Field(min_length=1, max_length=255)


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, dict) else value


# `PUT /roles/{publicId}/permissions`: the complete new set, so an empty array is meaningful.
PermissionSet = Annotated[
    list[PublicIdItem], BeforeValidator(_as_list), Field(min_length=0, max_length=1000)
]
