"""Wire shapes of invites (IXON's `Invite`, `MyInvite`, `InviteResponse`) and of `POST /users`;
names are IXON's camelCase."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.brandings.schemas import BrandingOut
from app.core.schemas import NewPassword, OutModel, PublicIdOut, Ref, WireDateTime, WireModel
from app.memberships.schemas import MembershipOut

Status = Literal["pending", "accepted", "declined", "revoked", "expired"]
DeliveryState = Literal["queued", "sent", "failed"]


class GroupRole(WireModel):
    """One membership the invite will grant: a role in a group of the company."""

    group: Ref
    role: Ref
    expiresOn: WireDateTime | None = Field(None, description="Null: permanent.")


class InviteCreate(WireModel):
    """One item of `POST /invites`."""

    emailAddress: str = Field(min_length=1, max_length=254)
    groupRoles: list[GroupRole] = Field(
        max_length=100, description="The memberships the invitee gets on accepting (at least one)."
    )
    message: str | None = Field(
        None, max_length=1024, description="Shown in the e-mail and on the invitation page."
    )
    language: str | None = Field(None, pattern=r"^[a-z]{2}$")


class InviteFinish(WireModel):
    """Body of the finish calls; terms-of-use policies are not modelled here (accepted as is)."""

    termsOfUsePolicy: Ref | None = None


class AccountCreate(BaseModel):
    """`POST /users`: a new person's account, made from an invite (the link's secret is the
    `Authorization: Bearer`; the e-mail address is the invite's). Passwords are kept exactly
    as typed (no trimming)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=255)
    password: NewPassword
    language: str | None = Field(None, pattern=r"^[a-z]{2}$")
    localisation: str | None = Field(None, min_length=1, max_length=10)
    timeZone: str | None = Field(None, min_length=1, max_length=255)
    ssoAuthentication: dict[str, Any] | None = Field(None, description="Not supported.")
    termsOfUsePolicy: Ref | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("the name cannot be blank")
        return value


class InviteResponseOut(BaseModel):
    invites: list[PublicIdOut]
    userMemberships: list[PublicIdOut]


class InviteOut(OutModel):
    """An invite as its company sees it; ``status`` and ``deliveryState`` are ours."""

    default_fields = "publicId,emailAddress,expiresOn,status,deliveryState"

    publicId: str
    emailAddress: str
    expiresOn: str
    memberships: list[MembershipOut] = []
    status: Status = Field(description="pending past its expiresOn reads expired.")
    deliveryState: DeliveryState | None = Field(
        None, description="What became of the newest e-mail of the invite."
    )


class InviteCompanyOut(OutModel):
    publicId: str
    name: str
    custom: dict[str, Any] = {}
    branding: BrandingOut | None = None
    customTermsOfUse: str = "disabled"
    customPrivacyStatement: str = "disabled"


class InviteUserOut(OutModel):
    publicId: str
    name: str
    emailAddress: str
    custom: dict[str, Any] = {}
    language: str
    localisation: str | None = None
    timeZone: str | None = None


class MyInviteOut(OutModel):
    """`GET /invites/me`: the invite the link names; ``user`` only when the address has an
    account (the link proves the address, so its holder may know)."""

    default_fields = "publicId,emailAddress,expiresOn,status,company(publicId,name)"

    publicId: str
    emailAddress: str
    expiresOn: str
    language: str
    company: InviteCompanyOut
    user: InviteUserOut | None = None
    memberships: list[MembershipOut] = []
    status: Status


class MyUserInviteOut(OutModel):
    """`GET /users/me/invites`: an invite addressed to the caller."""

    default_fields = "publicId,emailAddress,expiresOn,status,company(publicId,name)"

    publicId: str
    emailAddress: str
    expiresOn: str
    memberships: list[MembershipOut] = []
    company: InviteCompanyOut
    status: Status
