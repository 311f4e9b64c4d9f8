from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from app.core.schemas import Ref, WireModel

COLOR = r"^#?[a-fA-F0-9]{6}$"


class GroupTypeOut(BaseModel):
    publicId: str
    name: str
    description: str | None = None
    order: int = 0
    color: str | None = None
    custom: dict[str, Any] = {}


class GroupParentOut(BaseModel):
    publicId: str
    name: str
    type: GroupTypeOut | None = None


class GroupOut(BaseModel):
    publicId: str
    name: str
    type: GroupTypeOut | None = None
    custom: dict[str, Any] = {}
    agent: Ref | None = None
    asset: Ref | None = None
    parent: GroupParentOut | None = None
    managedBy: GroupParentOut | None = None
    isCompanyGroup: bool = False


class GroupRoleOut(BaseModel):
    group: GroupOut | None = None
    roles: list[Any] = []


class GroupTypeCreate(WireModel):
    name: str = Field(min_length=1, max_length=255)
    description: str | None = Field(None, max_length=255)
    order: int = 0
    color: str | None = Field(None, pattern=COLOR)
    custom: dict[str, Any] = {}


class GroupTypeUpdate(WireModel):
    name: str | None = Field(None, min_length=1, max_length=255)
    description: str | None = Field(None, max_length=255)
    order: int | None = None
    color: str | None = Field(None, pattern=COLOR)
    custom: dict[str, Any] | None = None


class GroupTypeBulkUpdate(GroupTypeUpdate):
    publicId: str = Field(min_length=1, max_length=255)


class GroupCreate(WireModel):
    name: str = Field(min_length=1, max_length=255)
    type: Ref
    parent: Ref | None = None
    custom: dict[str, Any] = {}


class GroupUpdate(WireModel):
    name: str | None = Field(None, min_length=1, max_length=255)
    type: Ref | None = None
    parent: Ref | None = None
    custom: dict[str, Any] | None = None


class GroupBulkUpdate(GroupUpdate):
    publicId: str = Field(min_length=1, max_length=255)
