"""The caller's own account (`/users/me*` writes beyond the profile).

Apart from ``service.py`` because these use the access-token service, which itself builds on
``service.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.access_recover import service as recover_service
from app.access_tokens import service as token_service
from app.auth.context import AuthContext
from app.auth.ratelimit import LoginLimiter, Secret
from app.config import Settings
from app.core import security
from app.core.errors import AppError, BadRequest, Conflict, combine
from app.memberships import service as membership_service
from app.users import service as user_service
from app.users.schemas import PasswordChange


async def change_password(
    session: AsyncSession,
    settings: Settings,
    limiter: LoginLimiter,
    auth: AuthContext,
    body: PasswordChange,
    branding_fqdn: str,
    client: str,
) -> None:
    """`POST /users/me/password`: needs the current password, its attempts limited like
    log-ins (a stolen token must not become a password oracle); with ``deleteAccessTokens``
    every other token of the account is revoked (the one in use stays valid). A notice goes to
    the account's address in the `Api-Branding` branding (hence IXON requiring that header).
    """
    user = auth.user
    account = user.email_normalized or user.public_id
    attempt = await limiter.attempt(Secret.OLD_PASSWORD, account, client, "oldPassword")
    if not await security.verify_password(user.password_hash, body.oldPassword):
        raise BadRequest("The old password is incorrect", "oldPassword")
    await attempt.succeeded()
    user_service.check_password(body.newPassword, "newPassword", (user.email_address, user.name))
    user.password_hash = await security.hash_password(body.newPassword)
    if body.deleteAccessTokens:
        await token_service.revoke_all_of(session, user, except_id=auth.token.id)
    await session.flush()
    await recover_service.notify_password_changed(session, settings, user, branding_fqdn)


async def delete_me(session: AsyncSession, auth: AuthContext) -> None:
    """`DELETE /users/me`: deletes the account (its memberships and tokens with it); refused
    when a company would be left without an administrator."""
    user = auth.user
    companies = await membership_service.companies_of(session, user)
    await membership_service.lock_companies(session, [c.id for c in companies])
    had_admin = await membership_service.with_admin(session, companies)
    try:
        await user_service.delete_accounts(session, [user])
    except IntegrityError:
        raise Conflict("The account is still referenced and cannot be deleted") from None
    errors: list[AppError] = []
    for company in companies:
        if company.id in had_admin and not await membership_service.has_admin(session, company.id):
            errors.append(
                Conflict(
                    f"Deleting your account would leave '{company.name}' ({company.public_id}) "
                    "without an administrator: give another user the COMPANY_ADMIN permission "
                    "there first, or delete the company"
                )
            )
    if errors:
        raise combine(errors, bulk=False)


async def leave_companies(
    session: AsyncSession, auth: AuthContext, company_ids: Sequence[str]
) -> None:
    """`DELETE /users/me/leave-companies`: the caller's memberships in those companies go."""
    await membership_service.leave_companies(session, auth.user, company_ids)
