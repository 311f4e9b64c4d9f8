"""Wire shapes of e-mail address changes (MyUserEmailAddressChange*, MyEmailAddressChange*)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from app.core.schemas import OutModel, WireModel


class EmailAddressChangeCreate(WireModel):
    """`POST /users/me/email-address-changes`: one object in, ``[{publicId}]`` out."""

    newEmailAddress: str = Field(max_length=254)


class ChangeUserOut(OutModel):
    publicId: str
    name: str
    emailAddress: str | None = None
    custom: dict[str, Any] = {}
    language: str
    localisation: str | None = None
    timeZone: str | None = None


class EmailAddressChangeOut(OutModel):
    default_fields = "publicId,oldEmailAddress,newEmailAddress,expiresOn"

    publicId: str
    oldEmailAddress: str
    newEmailAddress: str
    expiresOn: str
    user: ChangeUserOut
