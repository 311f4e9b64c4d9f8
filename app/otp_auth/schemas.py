from __future__ import annotations

from pydantic import BaseModel, Field

from app.core.schemas import WireModel


class OtpSecretOut(BaseModel):
    secret: str = Field(min_length=16, max_length=16, description="Base32; shown once.")


class OtpVerify(WireModel):
    oneTimePassword: str = Field(min_length=1, max_length=255)
    deviceName: str = Field(min_length=1, max_length=255)


class OtpDisable(WireModel):
    """Ours (IXON's operation takes no body): proof that the account's owner asks, so a
    stolen token alone cannot remove the second factor. One of the two is needed."""

    oneTimePassword: str | None = Field(None, min_length=1, max_length=255)
    password: str | None = Field(None, min_length=1, max_length=1024)
