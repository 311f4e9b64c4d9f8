"""Wire shapes of self-registration (IXON's RegistrationList / MyRegistration)."""

from __future__ import annotations

from pydantic import Field

from app.core.schemas import NewPassword, OutModel, Ref, WireModel


class RegistrationCreate(WireModel):
    """`POST /registrations`. ``termsOfUsePolicy`` is accepted and not stored (no terms-of-use
    endpoints are implemented, REFERENCE.md §12.16)."""

    companyName: str = Field(min_length=1, max_length=255)
    name: str = Field(min_length=1, max_length=255)
    emailAddress: str = Field(max_length=254)
    password: NewPassword
    language: str | None = Field(None, min_length=2, max_length=2, pattern=r"^[a-z]{2}$")
    localisation: str | None = Field(None, min_length=1, max_length=10)
    timeZone: str | None = Field(None, min_length=1, max_length=255)
    termsOfUsePolicy: Ref | None = None


class MyRegistrationOut(OutModel):
    default_fields = "publicId,companyName,name,emailAddress,language"

    publicId: str = Field(description="The id the company will get (company format).")
    companyName: str
    name: str
    emailAddress: str
    language: str | None = None
