from __future__ import annotations

from typing import Any

from pydantic import Field, StrictInt, field_validator
from pydantic_core import PydanticCustomError

from app.core.schemas import Custom, OutModel, Ref, WireModel
from app.roles.schemas import RoleOut

COLOR = r"^#?[a-fA-F0-9]{6}$"
# IXON declares `order` as int32; the column is a 32-bit integer on PostgreSQL.
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


def _not_null(value: Any) -> Any:
    """For PATCH fields that may be left out but not set to null (validators run only for
    fields that were sent)."""
    if value is None:
        raise PydanticCustomError("not_null", "may not be null")
    return value


class GroupTypeOut(OutModel):
    default_fields = "publicId,name,order"

    publicId: str
    name: str
    description: str | None = None
    order: int = 0
    color: str | None = None
    custom: dict[str, Any] = {}


class GroupParentOut(OutModel):
    publicId: str
    name: str
    type: GroupTypeOut | None = None


class GroupOut(OutModel):
    default_fields = "publicId,name,type(publicId,name),parent,isCompanyGroup"

    publicId: str
    name: str
    type: GroupTypeOut | None = None
    custom: dict[str, Any] = {}
    agent: Ref | None = None
    asset: Ref | None = None
    parent: GroupParentOut | None = None
    managedBy: GroupParentOut | None = None
    isCompanyGroup: bool = False


class GroupRoleOut(OutModel):
    default_fields = "group(publicId,name),roles(publicId,name)"

    group: GroupOut | None = None
    roles: list[RoleOut] = []


class GroupTypeCreate(WireModel):
    name: str = Field(min_length=1, max_length=255)
    description: str | None = Field(None, max_length=255)
    order: StrictInt = Field(0, ge=INT32_MIN, le=INT32_MAX)
    color: str | None = Field(None, pattern=COLOR)
    custom: Custom = {}


class GroupTypeUpdate(WireModel):
    """Only the fields sent change; ``description`` and ``color`` may be null."""

    name: str | None = Field(None, min_length=1, max_length=255)
    description: str | None = Field(None, max_length=255)
    order: StrictInt | None = Field(None, ge=INT32_MIN, le=INT32_MAX)
    color: str | None = Field(None, pattern=COLOR)
    custom: Custom | None = None

    _not_null = field_validator("name", "order", "custom")(_not_null)


class GroupTypeBulkUpdate(GroupTypeUpdate):
    publicId: str = Field(min_length=1, max_length=255)


class GroupCreate(WireModel):
    name: str = Field(min_length=1, max_length=255)
    type: Ref
    parent: Ref | None = None
    custom: Custom = {}


class GroupUpdate(WireModel):
    """Only the fields sent change. ``parent: null`` puts the group back under the company
    group; ``name``, ``type`` and ``custom`` may not be null."""

    name: str | None = Field(None, min_length=1, max_length=255)
    type: Ref | None = None
    parent: Ref | None = None
    custom: Custom | None = None

    _not_null = field_validator("name", "type", "custom")(_not_null)


class GroupBulkUpdate(GroupUpdate):
    publicId: str = Field(min_length=1, max_length=255)
