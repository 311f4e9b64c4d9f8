"""`/users/me/otp-auth/*` (IXON's) and `DELETE /users/{publicId}/otp-auth` (ours: an
administrator's reset of a member's second factor)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse

from app.auth import headers
from app.auth.dependencies import Auth, CompanyAuth, permission
from app.auth.permissions import Permission
from app.core import envelope
from app.core.envelope import Envelope
from app.core.response_headers import no_store
from app.core.schemas import PublicIdPath
from app.db.session import SessionDep
from app.otp_auth import service as otp_service
from app.otp_auth.schemas import OtpDisable, OtpSecretOut, OtpVerify
from app.state import LimiterDep, SettingsDep

router = APIRouter()
TYPE = "UserOtpAuth"
BrandingRequired = Annotated[str, Depends(headers.branding_required)]
BrandingOptional = Annotated[str | None, Depends(headers.branding_optional)]


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post(
    "/users/me/otp-auth/enable",
    tags=["MyUserOtpAuthEnable"],
    status_code=201,
    response_model=Envelope[OtpSecretOut],
    summary="Start two-factor authentication: a new TOTP secret, shown once",
)
async def enable_otp(session: SessionDep, auth: Auth) -> JSONResponse:
    """The secret is pending until `verify` gets a right code from the authenticator app."""
    secret = await otp_service.enable(session, auth)
    return no_store(envelope.created(TYPE, {"secret": secret}))


@router.post(
    "/users/me/otp-auth/verify",
    tags=["MyUserOtpAuthVerify"],
    status_code=201,
    response_model=Envelope[None],
    summary="Turn two-factor authentication on with a first code",
)
async def verify_otp(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    limiter: LimiterDep,
    auth: Auth,
    body: OtpVerify,
    branding: BrandingRequired,
) -> JSONResponse:
    await otp_service.verify(session, settings, limiter, auth, body, branding, _address(request))
    return envelope.created(TYPE, None)


@router.post(
    "/users/me/otp-auth/disable",
    tags=["MyUserOtpAuthDisable"],
    status_code=201,
    response_model=Envelope[None],
    summary="Turn two-factor authentication off (with a current code or the password)",
)
async def disable_otp(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    limiter: LimiterDep,
    auth: Auth,
    branding: BrandingRequired,
    body: Annotated[OtpDisable | None, Body()] = None,
) -> JSONResponse:
    """IXON's operation takes no body; ours needs `oneTimePassword` or `password` in one, so
    that a stolen token alone cannot remove the second factor."""
    await otp_service.disable(session, settings, limiter, auth, body, branding, _address(request))
    return envelope.created(TYPE, None)


@router.delete(
    "/users/{publicId}/otp-auth",
    tags=["UserOtpAuth"],
    response_model=Envelope[None],
    summary="Reset a member's two-factor authentication (ours, not IXON's)",
    **permission(Permission.MANAGE_USERS),
)
async def reset_otp(
    session: SessionDep,
    settings: SettingsDep,
    auth: CompanyAuth,
    public_id: PublicIdPath,
    branding: BrandingOptional,
) -> JSONResponse:
    """The member signs in with the password again and is told by e-mail (in the branding of
    `Api-Branding`, else the default one)."""
    await otp_service.reset(session, settings, auth, public_id, branding)
    return envelope.success(TYPE, None)
