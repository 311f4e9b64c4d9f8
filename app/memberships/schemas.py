"""Wire shapes of memberships (IXON's `UserMembership`); names are IXON's camelCase."""

from __future__ import annotations

from pydantic import Field

from app.core.schemas import OutModel, Ref, WireDateTime, WireModel

# RFC 3339; a time without an offset is read as UTC, like every time this service stores.


class MembershipOut(OutModel):
    default_fields = "publicId,user,invite,group,role,expiresOn"

    publicId: str
    user: Ref | None = None
    invite: Ref | None = None
    group: Ref
    role: Ref | None = None
    expiresOn: str | None = None


class MembershipCreate(WireModel):
    """One item of `POST /users/memberships`."""

    user: Ref | None = Field(None, description="The user (already a member of the company).")
    invite: Ref | None = Field(
        None, description="Not supported yet: invites bring their own memberships."
    )
    group: Ref
    role: Ref
    expiresOn: WireDateTime | None = Field(None, description="Null: permanent.")


class MembershipPatch(WireModel):
    """`PATCH /users/memberships/{publicId}`: only the fields sent change."""

    group: Ref | None = None
    role: Ref | None = Field(None, description="Null: the membership holds no role.")
    expiresOn: WireDateTime | None = Field(None, description="Null: permanent.")


class MembershipPatchItem(MembershipPatch):
    """One item of `PATCH /users/memberships`."""

    publicId: str = Field(min_length=1, max_length=255)


class MembershipSetItem(WireModel):
    """One item of `PUT /users/memberships/user/{publicId}` (the user's complete new set)."""

    group: Ref
    role: Ref | None = None
    expiresOn: WireDateTime | None = Field(None, description="Null: permanent.")
