"""The second factor inside log-in (`POST /access-tokens`), and the one place this package
counts failed attempts against the log-in limiter."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.ratelimit import LoginLimiter, Secret
from app.core.errors import Unauthorized
from app.users.models import User

# Exactly what IXON's clients match (REFERENCE.md §13.6).
REQUIRED = "Two Factor Authentication required"
FAILED = "Two Factor Authentication failed"


async def throttled(
    limiter: LoginLimiter,
    kind: Secret,
    account: str,
    address: str,
    attempt: Callable[[], Awaitable[bool]],
    property_name: str | None = None,
) -> bool:
    """Runs ``attempt`` (a code or password check) as one counted attempt at the account's
    secret of ``kind``: refused (429) when it may not be tried now; a failure stays counted."""
    counted = await limiter.attempt(kind, account, address, property_name)
    if not await attempt():
        return False
    await counted.succeeded()
    return True


async def second_factor(
    session: AsyncSession, limiter: LoginLimiter, user: User, code: str, account: str, address: str
) -> None:
    """After a right password: with 2FA on, the code must be there, right and unused."""
    from app.otp_auth import repository
    from app.otp_auth.service import use_code

    otp = await repository.of_user(session, user.id)
    if otp is None or otp.verified_on is None:
        return
    if not code:
        raise Unauthorized(REQUIRED)
    if not await throttled(
        limiter, Secret.OTP, account, address, lambda: use_code(session, otp, code)
    ):
        raise Unauthorized(FAILED)
