"""Two-factor authentication: turned on and off through `/users/me/otp-auth/*`'s service.

"Set up" makes a new secret (`enable`); while it is pending the page shows it as a QR code and
as text (it is stored encrypted, so a reload shows it again), with the form for the first code
that turns it on (`verify`). When on, it is turned off with a current code or the password
(`disable`). Codes and passwords count against the log-in limiter as in the API, and each code
is accepted once. This page and sign-out are the only ones of a visit whose company requires
two-factor authentication while it is off (app/portal/sessions.py).
"""

from __future__ import annotations

import re

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from app.otp_auth import crypto, repository
from app.otp_auth import service as otp_service
from app.otp_auth.qr import qr_svg
from app.otp_auth.schemas import OtpDisable, OtpVerify
from app.portal.common import settings_of
from app.portal.errors import Form, FormError, redisplays
from app.portal.forms import Fields, SignedInPost
from app.portal.router import portal_path, router
from app.portal.sessions import SignedIn, Visit, open_visit, see_other
from app.state import client_address
from app.users.service import MAX_PASSWORD

FIELDS = {"oneTimePassword": "code", "deviceName": "device_name", "password": "password"}
CODE_LENGTH = 16  # characters: six digits, spaces allowed (the service ignores them)


def _grouped(secret: str) -> str:
    """``ABCD EFGH IJKL MNOP``: easier to type into an app than 16 characters in a row."""
    return " ".join(re.findall(".{1,4}", secret))


async def two_factor_page(
    visit: Visit, form: Form | None = None, status_code: int = 200
) -> HTMLResponse:
    otp = await repository.of_user(visit.session, visit.user.id)
    context: dict[str, object] = {"state": "off"}
    if otp is not None and otp.verified_on is not None:
        since = visit.audience.format_datetime(otp.verified_on)
        context = {"state": "on", "device_name": otp.device_name or "", "since": since}
    elif otp is not None:
        secret = crypto.decrypt(otp.secret_encrypted)
        if secret is None:  # encrypted under an earlier IXON_SECRET_KEY: start again
            context = {"state": "off"}
        else:
            account = visit.user.email_address or visit.user.public_id
            svg = qr_svg(secret, account, visit.branding.product_name)
            context = {"state": "pending", "secret": _grouped(secret), "qr": Markup(svg)}  # noqa: S704 - segno's SVG escapes its text
    return visit.page(
        "account/two_factor.html",
        status_code=status_code,
        current="portal_two_factor",
        form=form or Form(),
        locked=visit.locked,
        code_length=CODE_LENGTH,
        **context,
    )


async def two_factor_again(
    request: Request, session: AsyncSession, form: Form, status_code: int
) -> Response:
    return await two_factor_page(await open_visit(request, session), form, status_code)


def _back(done: str) -> str:
    return f"{portal_path('portal_two_factor')}?done={done}"


@router.get("/account/two-factor", name="portal_two_factor")
async def two_factor(visit: SignedIn) -> HTMLResponse:
    return await two_factor_page(visit)


@router.post("/account/two-factor/start", name="portal_two_factor_start")
@redisplays(two_factor_again)
async def start(post: SignedInPost) -> Response:
    """A new pending secret (a pending one is replaced); nothing is on until a first code."""
    await otp_service.enable(post.visit.session, post.visit.auth)
    return see_other(portal_path("portal_two_factor") + "#verify")


async def _pending(visit: Visit) -> None:
    otp = await repository.of_user(visit.session, visit.user.id)
    if otp is None:  # cancelled in another tab
        raise FormError({"": "two_factor_not_started"}, status_code=409)


@router.post("/account/two-factor/verify", name="portal_two_factor_verify")
@redisplays(two_factor_again, **FIELDS)
async def verify(post: SignedInPost) -> Response:
    visit = post.visit
    fields = Fields(post.values)
    code = fields.text("code", max_length=CODE_LENGTH)
    device = fields.text("device_name")
    fields.done()
    await _pending(visit)
    request = visit.request
    await otp_service.verify(
        visit.session,
        settings_of(request),
        request.app.state.login_limiter,
        visit.auth,
        OtpVerify(oneTimePassword=code, deviceName=device),
        visit.branding.fqdn,
        client_address(request),
    )
    return see_other(_back("two-factor-on"))


def _proof(post: SignedInPost) -> OtpDisable:
    """A current code, else the password: one of them (the code when both are typed)."""
    fields = Fields(post.values)
    code = fields.text("code", max_length=CODE_LENGTH, required=False)
    password = post.get("password")
    if not code and not password:
        fields.fail("code", "two_factor_proof_missing")
    fields.done()
    if code:
        return OtpDisable(oneTimePassword=code)
    if len(password) > MAX_PASSWORD:  # no account has such a password
        raise FormError({"password": "password_wrong"})
    return OtpDisable(password=password)


@router.post("/account/two-factor/disable", name="portal_two_factor_disable")
@redisplays(two_factor_again, **FIELDS)
async def disable(post: SignedInPost) -> Response:
    """Turns it off (with a proof), or cancels a set-up that was not finished (without one)."""
    visit = post.visit
    otp = await repository.of_user(visit.session, visit.user.id)
    if otp is None:
        raise FormError({"": "two_factor_not_on"}, status_code=409)  # turned off in another tab
    body = _proof(post) if otp.verified_on is not None else None
    request = visit.request
    await otp_service.disable(
        visit.session,
        settings_of(request),
        request.app.state.login_limiter,
        visit.auth,
        body,
        visit.branding.fqdn,
        client_address(request),
    )
    return see_other(_back("two-factor-off" if body is not None else "two-factor-cancelled"))
