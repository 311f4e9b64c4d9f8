"""Two-factor authentication (TOTP): turning it on and off, an administrator's reset, and
what `/users/me` and `/users` say about it.

`enable` answers a new secret (shown once) and keeps it pending; `verify` with a right code
switches it on; `disable` needs a right code or the password, so a stolen token alone cannot
remove it. Codes are accepted once each (the last used step is stored) and failed attempts
count against the same budget as failed passwords (``login.throttled``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.context import AuthContext
from app.auth.ratelimit import LoginLimiter, Secret
from app.config import Settings
from app.core import security
from app.core.clock import iso, utcnow
from app.core.errors import BadRequest, Conflict, not_found
from app.memberships import service as membership_service
from app.otp_auth import crypto, emails, repository, totp
from app.otp_auth.login import throttled
from app.otp_auth.models import OtpAuth
from app.otp_auth.schemas import OtpDisable, OtpVerify
from app.users.models import User, normalize_email

ALREADY_ON = "Two-factor authentication is already on; turn it off first"
NOT_ON = "Two-factor authentication is not on for this account"
WRONG_CODE = "The code is not right; enter the current code of your authenticator app"


async def use_code(session: AsyncSession, otp: OtpAuth, code: str) -> bool:
    """Whether ``code`` is a current code of ``otp`` not used before (and now used)."""
    secret = crypto.decrypt(otp.secret_encrypted)
    step = totp.step_of(secret, code, utcnow()) if secret is not None else None
    return step is not None and await repository.use_step(session, otp, step)


def _account(user: User) -> str:
    return normalize_email(user.email_address or user.public_id)


async def enable(session: AsyncSession, auth: AuthContext) -> str:
    """A new pending secret (replacing a pending one); on only after `verify`."""
    otp = await repository.of_user(session, auth.user.id)
    if otp is not None and otp.verified_on is not None:
        raise Conflict(ALREADY_ON)
    secret = totp.new_secret()
    if otp is None:
        session.add(OtpAuth(user_id=auth.user.id, secret_encrypted=crypto.encrypt(secret)))
    else:
        otp.secret_encrypted, otp.device_name, otp.last_used_step = (
            crypto.encrypt(secret),
            None,
            None,
        )
    await session.flush()
    return secret


async def verify(
    session: AsyncSession,
    settings: Settings,
    limiter: LoginLimiter,
    auth: AuthContext,
    body: OtpVerify,
    branding: str,
    address: str,
) -> None:
    otp = await repository.of_user(session, auth.user.id)
    if otp is None:
        raise BadRequest("Call POST /users/me/otp-auth/enable first", "oneTimePassword")
    if otp.verified_on is not None:
        raise Conflict(ALREADY_ON)
    code = body.oneTimePassword
    if not await throttled(
        limiter,
        Secret.OTP,
        _account(auth.user),
        address,
        lambda: use_code(session, otp, code),
        "oneTimePassword",
    ):
        raise BadRequest(WRONG_CODE, "oneTimePassword")
    otp.device_name, otp.verified_on = body.deviceName, utcnow()
    await session.flush()
    await emails.notify(
        session, settings, auth.user, "otp_enabled", branding, device_name=body.deviceName
    )


async def _proven(
    session: AsyncSession,
    limiter: LoginLimiter,
    auth: AuthContext,
    otp: OtpAuth,
    body: OtpDisable | None,
    address: str,
) -> None:
    """The owner's proof for turning it off: a right code, else the password."""
    code = body.oneTimePassword if body is not None else None
    password = body.password if body is not None else None
    if code is not None:
        ok = await throttled(
            limiter,
            Secret.OTP,
            _account(auth.user),
            address,
            lambda: use_code(session, otp, code),
            "oneTimePassword",
        )
        if not ok:
            raise BadRequest(WRONG_CODE, "oneTimePassword")
    elif password is not None:
        ok = await throttled(
            limiter,
            Secret.OLD_PASSWORD,
            _account(auth.user),
            address,
            lambda: security.verify_password(auth.user.password_hash, password),
            "password",
        )
        if not ok:
            raise BadRequest("The password is incorrect", "password")
    else:
        raise BadRequest(
            "Send the current code (oneTimePassword) or your password (password) to turn off "
            "two-factor authentication",
            "oneTimePassword",
        )


async def disable(
    session: AsyncSession,
    settings: Settings,
    limiter: LoginLimiter,
    auth: AuthContext,
    body: OtpDisable | None,
    branding: str,
    address: str,
) -> None:
    otp = await repository.of_user(session, auth.user.id)
    if otp is None:
        raise BadRequest(NOT_ON)
    if otp.verified_on is not None:
        await _proven(session, limiter, auth, otp, body, address)
    was_on = otp.verified_on is not None
    await session.delete(otp)
    await session.flush()
    if was_on:
        await emails.notify(session, settings, auth.user, "otp_disabled", branding)


async def reset(
    session: AsyncSession, settings: Settings, auth: AuthContext, user_id: str, branding: str | None
) -> None:
    """An administrator clears a member's second factor (lost phone): the member signs in
    with the password again and is told by e-mail. Idempotent; a user outside the company is
    not found."""
    company = auth.company_or_raise
    found = await membership_service.members(session, company.id, [user_id])
    user = found.get(user_id)
    if user is None:
        raise not_found("User")
    otp = await repository.of_user(session, user.id)
    if otp is None:
        return
    was_on = otp.verified_on is not None
    await session.delete(otp)
    await session.flush()
    if was_on:
        await emails.notify(
            session, settings, user, "otp_reset", branding,
            admin_name=auth.user.name, company_name=company.name,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class OtpStatus:
    required: bool
    device_name: str | None = None
    registered_on: datetime | None = None

    def as_wire(self) -> dict[str, object]:
        return {
            "required": self.required,
            "deviceName": self.device_name,
            "registeredOn": iso(self.registered_on),
            "tokenExpiresOn": None,
            "type": "app" if self.registered_on is not None else None,
        }


async def status(session: AsyncSession, user: User) -> OtpStatus:
    """For `/users/me`: whether a role anywhere requires it, and the device if it is on."""
    required, device, since = await repository.status_of(session, user.id)
    return OtpStatus(required, device, since)


async def required_in_company(
    session: AsyncSession, company_id: int, user_ids: Sequence[int]
) -> set[int]:
    """For `/users`: the members whose roles in this company require two-factor auth."""
    return await repository.enforced_for(session, user_ids, company_id)
