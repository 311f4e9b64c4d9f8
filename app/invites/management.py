"""The company's hand on its open invites: withdrawing them and sending them again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.context import AuthContext
from app.brandings import service as branding_service
from app.config import Settings
from app.core.clock import utcnow
from app.core.errors import (
    AppError,
    BadRequest,
    Conflict,
    combine,
    not_found,
)
from app.invites.emails import mail_branding, send
from app.invites.lifecycle import close_many
from app.invites.models import PENDING, REVOKED, Invite
from app.invites.repository import InviteRepository
from app.invites.status import status_of


async def _company_invites(
    session: AsyncSession, auth: AuthContext, public_ids: Sequence[str], *, bulk: bool
) -> list[Invite]:
    """The named invites of the caller's company, each once, still pending (or expired)."""
    found = await InviteRepository(session).many(auth.company_or_raise.id, public_ids)
    invites: list[Invite] = []
    errors: list[AppError] = []
    for index, public_id in enumerate(public_ids):
        invite = found.get(public_id)
        try:
            if invite is None:
                raise not_found("Invite")
            if invite in invites:
                raise BadRequest("This invite is listed twice", "publicId")
            if invite.status != PENDING:
                raise Conflict(
                    f"This invitation is {status_of(invite)} already and cannot be changed",
                    "publicId",
                )
            invites.append(invite)
        except AppError as error:
            errors.append(error.at_index(index))
    if errors:
        raise combine(errors, bulk=bulk)
    return invites


async def revoke(
    session: AsyncSession, auth: AuthContext, public_ids: Sequence[str], *, bulk: bool = True
) -> None:
    """`DELETE /invites` and `/invites/{publicId}`: withdrawn; links stop working and the
    pending memberships go. All or nothing; a finished invite is 409."""
    invites = await _company_invites(session, auth, public_ids, bulk=bulk)
    await close_many(session, invites, REVOKED, bulk=bulk)


async def resend(
    session: AsyncSession,
    auth: AuthContext,
    settings: Settings,
    branding_fqdn: str,
    public_ids: Sequence[str],
    *,
    bulk: bool = True,
) -> None:
    """`POST /invites/resend` and `/invites/{publicId}/resend`: a new expiry and a new link
    (the old one stops working), e-mailed again. Only pending (or expired) invites."""
    company = auth.company_or_raise
    branding = await branding_service.resolve(session, settings, branding_fqdn)
    mail_branding(branding, settings)
    invites = await _company_invites(session, auth, public_ids, bulk=bulk)
    repository = InviteRepository(session)
    accounts = await repository.accounts([i.email_normalized for i in invites])
    inviters = await repository.users([i.inviter_id for i in invites])
    expires_on = utcnow() + timedelta(seconds=settings.invite_ttl)
    for invite in invites:
        invite.expires_on = expires_on
        inviter = inviters.get(invite.inviter_id) if invite.inviter_id else None
        await send(
            session,
            settings,
            invite,
            company=company,
            branding=branding,
            inviter_name=(inviter or auth.user).name,
            inviter_email=(inviter or auth.user).email_address,
            account=accounts.get(invite.email_normalized),
            resend=True,
        )
    await session.flush()
