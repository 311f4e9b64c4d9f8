from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from app.core.schemas import Ref, WireModel


class RolePermissionOut(BaseModel):
    publicId: str
    custom: dict[str, Any] = {}


class AudienceOut(BaseModel):
    publicId: str
    name: str | None = None


class RoleOut(BaseModel):
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
    permissions: list[Ref] = []
    audiences: list[Ref] = []
    custom: dict[str, Any] = {}


class RoleUpdate(WireModel):
    name: str | None = Field(None, min_length=1, max_length=255)
    description: str | None = Field(None, max_length=255)
    enforce2fa: bool | None = None
    enforceSso: bool | None = None
    custom: dict[str, Any] | None = None


class RoleBulkUpdate(RoleUpdate):
    publicId: str = Field(min_length=1, max_length=255)
