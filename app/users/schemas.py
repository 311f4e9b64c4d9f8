"""Wire shapes of users (IXON's `User` and `MyUser`); names are IXON's camelCase."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from app.core.schemas import Custom, NewPassword, OutModel, Password, WireModel
from app.memberships.schemas import MembershipOut


class RegisteredBy(BaseModel):
    publicId: str
    name: str


class ApiApplicationOut(OutModel):
    publicId: str
    name: str
    custom: dict[str, Any] = {}


class OtpAuthOut(OutModel):
    required: bool = False
    deviceName: str | None = None
    registeredOn: str | None = None
    tokenExpiresOn: str | None = None
    type: Literal["app", "sms"] | None = None


class UserOut(OutModel):
    """A user as the company sees it (`GET /users`)."""

    default_fields = "publicId,type,name,emailAddress"

    publicId: str
    type: Literal["person", "service_account"]
    name: str
    emailAddress: str | None = None
    support: bool = False
    registeredOn: str | None = None
    lastSeenOn: str | None = None
    registeredBy: RegisteredBy | None = None
    memberships: list[MembershipOut] = []
    apiApplications: list[ApiApplicationOut] = []
    custom: dict[str, Any] = {}
    otpauthRequired: bool = False


class MyUserOut(OutModel):
    """The caller's own account (`GET /users/me`)."""

    default_fields = "publicId,type,name,emailAddress,language"

    publicId: str
    type: Literal["person", "service_account"]
    name: str
    emailAddress: str | None = None
    support: bool = False
    custom: dict[str, Any] = {}
    hasPassword: bool
    externallyManaged: bool = False
    language: str
    localisation: str | None = None
    timeZone: str | None = None
    registeredOn: str
    lastSeenOn: str
    registeredBy: RegisteredBy | None = None
    unreadMessagesCount: int = 0
    otpAuth: OtpAuthOut = OtpAuthOut()
    apiApplications: list[ApiApplicationOut] = []
    phoneNumber: str | None = None


class MyUserPatch(WireModel):
    name: str | None = Field(None, min_length=1, max_length=255)
    language: str | None = Field(None, min_length=2, max_length=2, pattern=r"^[a-z]{2}$")
    localisation: str | None = Field(None, min_length=1, max_length=10)
    timeZone: str | None = Field(None, min_length=1, max_length=255)
    phoneNumber: str | None = Field(None, pattern=r"^\+[0-9]{2,15}$")
    custom: Custom | None = None

    model_config = ConfigDict(extra="forbid")


class PasswordChange(WireModel):
    """`POST /users/me/password`. Passwords are taken as typed: no whitespace is trimmed."""

    oldPassword: Password
    newPassword: NewPassword
    deleteAccessTokens: StrictBool = Field(
        description="True: every other access token of the account is revoked."
    )
