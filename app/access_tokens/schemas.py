from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, StrictInt

from app.core.schemas import OutModel, WireModel
from app.users.schemas import MyUserOut


class ScopeRel(BaseModel):
    rel: str = Field(min_length=1, max_length=255)
    get: bool | None = None
    post: bool | None = None
    patch: bool | None = None
    delete: bool | None = None
    put: bool | None = None


class Scope(BaseModel):
    """``unrestricted``, or ``allow``/``deny`` with discovery rels and method flags."""

    type: Literal["unrestricted", "allow", "deny"]
    rels: list[ScopeRel] | None = None


class AccessTokenCreate(WireModel):
    expiresIn: StrictInt = Field(
        ge=60, le=5_184_000, description="Lifetime in seconds (60..5184000)."
    )
    trustedDeviceName: str | None = Field(None, min_length=1, max_length=255)
    scope: Scope | None = None


class CreatedOut(OutModel):
    ip: str | None = None
    on: str
    userAgent: str | None = None


class AccessTokenOut(OutModel):
    default_fields = "publicId,expiresOn,created"

    publicId: str
    expiresOn: str | None = None
    created: CreatedOut | None = None
    scope: Scope | None = None
    ssoIdentityProvider: dict[str, Any] | None = None


class NewAccessTokenOut(OutModel):
    """`POST /access-tokens`: a new token, in IXON's property order (some clients read
    ``"secretId": "..."`` with a regular expression)."""

    default_fields = "publicId,expiresOn,secretId,user(publicId,name,emailAddress)"

    publicId: str
    expiresOn: str | None = None
    secretId: str = Field(description="The bearer secret; shown in this answer only.")
    user: MyUserOut | None = None
    ssoIdentityProvider: dict[str, Any] | None = None
    created: CreatedOut | None = None
    scope: Scope | None = None
