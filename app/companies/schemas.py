from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from app.brandings.schemas import BrandingOut
from app.core.schemas import Custom, OutModel, Ref, WireModel, not_null

Policy = Literal["sector", "company", "disabled"]


class CompanyOut(OutModel):
    publicId: str
    name: str
    custom: dict[str, Any] = {}
    branding: BrandingOut | None = Field(
        None, description="The company's own branding; null when it has none."
    )
    customTermsOfUse: Policy = "disabled"
    customPrivacyStatement: Policy = "disabled"


class MyCompanyOut(OutModel):
    """The caller's company (`GET /companies/me`), in IXON's property order."""

    default_fields = "publicId,name,country,defaultUserInviteLanguage,createdOn"

    publicId: str
    name: str
    country: str | None = None
    defaultUserInviteLanguage: str = "en"
    supportAccessExpiresOn: str | None = None
    appOwnerName: str | None = None
    custom: dict[str, Any] = {}
    branding: BrandingOut | None = Field(
        None, description="The company's own branding; null when it has none."
    )
    requireDedicatedRscServer: bool = False
    requireDedicatedMdrServer: bool = False
    loggingTrialUsed: bool = False
    alarmingTrialUsed: bool = False
    customTermsOfUse: Policy = "disabled"
    customPrivacyStatement: Policy = "disabled"
    createdOn: str | None = None


class CompanyCreate(WireModel):
    name: str = Field(min_length=1, max_length=255)
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    termsOfUsePolicy: Ref | None = None


class MyCompanyPatch(WireModel):
    name: str | None = Field(None, min_length=1, max_length=255)
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    defaultUserInviteLanguage: str | None = Field(None, pattern=r"^[a-z]{2}$")
    appOwnerName: str | None = Field(None, max_length=255)
    branding: Custom | None = None
    customTermsOfUse: Policy | None = None
    customPrivacyStatement: Policy | None = None
    custom: Custom | None = None

    _not_null = field_validator(
        "name", "defaultUserInviteLanguage", "customTermsOfUse", "customPrivacyStatement"
    )(not_null)


class CompanyRef(WireModel):
    publicId: str = Field(pattern=r"^(\d{4}-){4}\d{4}$")
