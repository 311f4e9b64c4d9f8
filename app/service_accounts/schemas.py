"""Wire shapes of service accounts (IXON's `ServiceAccountList`)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.core.schemas import Ref, WireModel


class ServiceAccountCreate(WireModel):
    name: str = Field(min_length=1, max_length=255)


class NewServiceAccountOut(BaseModel):
    publicId: str
    apiApplication: Ref
    token: str = Field(description="The bearer token (32 characters), shown this once.")
