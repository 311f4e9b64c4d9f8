"""Wire shapes of password recovery (IXON's AccessRecoverList / MyAccessRecover / ...Finish)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from app.core.schemas import WireModel

# Passwords are taken as typed: no whitespace is trimmed.
Password = Annotated[str, StringConstraints(strip_whitespace=False, min_length=8, max_length=1024)]


class AccessRecoverCreate(WireModel):
    """`POST /access-recover`: always answered the same, whether the address has an account."""

    emailAddress: str = Field(max_length=254)


class AccessRecoverFinish(WireModel):
    """`POST /access-recover/me/finish`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    newPassword: Password
    deleteAccessTokens: StrictBool = Field(
        description="True: every access token of the account is revoked (signed out everywhere)."
    )


class MyAccessRecoverOut(BaseModel):
    emailAddress: str
