"""Wire shapes of password recovery (IXON's AccessRecoverList / MyAccessRecover / ...Finish)."""

from __future__ import annotations

from pydantic import Field, StrictBool

from app.core.schemas import NewPassword, OutModel, WireModel


class AccessRecoverCreate(WireModel):
    """`POST /access-recover`: always answered the same, whether the address has an account."""

    emailAddress: str = Field(max_length=254)


class AccessRecoverFinish(WireModel):
    """`POST /access-recover/me/finish`."""

    newPassword: NewPassword
    deleteAccessTokens: StrictBool = Field(
        description="True: every access token of the account is revoked (signed out everywhere)."
    )


class MyAccessRecoverOut(OutModel):
    default_fields = "emailAddress"

    emailAddress: str
