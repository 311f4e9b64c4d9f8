"""The invitee with an account: `/invites/{publicId}/finish` and `/users/me/invites`, for the
invites addressed to the logged-in user's own e-mail address (anyone else's are not found)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.context import AuthContext
from app.core.errors import AppError, Conflict, combine, not_found
from app.core.querying import ListParams, selects
from app.invites.lifecycle import accept, decline
from app.invites.models import PENDING, Invite
from app.invites.queries import InviteView, default_status, filters, views
from app.invites.repository import InviteRepository
from app.invites.schemas import MyUserInviteOut
from app.invites.status import finished_error, status_of
from app.users.models import normalize_email


def _my_key(auth: AuthContext) -> str | None:
    address = auth.user.email_address
    return normalize_email(address) if address else None


async def finish_as_user(session: AsyncSession, auth: AuthContext, public_id: str) -> None:
    """`POST /invites/{publicId}/finish`: the logged-in user accepts an invite addressed to
    their own e-mail address; anyone else's invite is not found."""
    key = _my_key(auth)
    invite = (
        await InviteRepository(session).by_public_id(public_id, Invite.email_normalized == key)
        if key
        else None
    )
    if invite is None:
        raise not_found("Invite")
    if status_of(invite) != PENDING:
        inviters = await InviteRepository(session).users([invite.inviter_id])
        raise finished_error(invite, inviters.get(invite.inviter_id or 0))
    await accept(session, invite, auth.user)


async def list_for_user(
    session: AsyncSession, auth: AuthContext, params: ListParams
) -> tuple[list[InviteView], str | None]:
    """`GET /users/me/invites`: open invites addressed to the caller (any status with a
    filter on ``status``), each with its company."""
    key = _my_key(auth)
    if key is None:
        return [], None
    repository = InviteRepository(session)
    stmt = repository.addressed_to(key).where(
        *params.where(filters()), *default_status(params, PENDING)
    )
    rows, more = await repository.page(stmt, params)
    wanted = selects(params.fields, "memberships", MyUserInviteOut)
    return await views(session, rows, memberships=wanted, companies=True), more


async def get_for_user(
    session: AsyncSession, auth: AuthContext, public_id: str, params: ListParams
) -> InviteView:
    """`GET /users/me/invites/{publicId}`: one invite addressed to the caller, any status."""
    key = _my_key(auth)
    invite = (
        await InviteRepository(session).by_public_id(
            public_id, Invite.email_normalized == key, *params.where(filters())
        )
        if key
        else None
    )
    if invite is None:
        raise not_found("Invite")
    wanted = selects(params.fields, "memberships", MyUserInviteOut)
    return (await views(session, [invite], memberships=wanted, companies=True))[0]


async def decline_for_user(
    session: AsyncSession, auth: AuthContext, public_ids: Sequence[str], *, bulk: bool = True
) -> None:
    """`DELETE /users/me/invites` and `/users/me/invites/{publicId}`: the caller declines."""
    key = _my_key(auth)
    repository = InviteRepository(session)
    invites: list[Invite] = []
    errors: list[AppError] = []
    for index, public_id in enumerate(public_ids):
        try:
            invite = (
                await repository.by_public_id(public_id, Invite.email_normalized == key)
                if key
                else None
            )
            if invite is None:
                raise not_found("Invite")
            if invite.status != PENDING or invite in invites:
                raise Conflict(
                    f"This invitation is {status_of(invite)} and cannot be declined", "publicId"
                )
            invites.append(invite)
        except AppError as error:
            errors.append(error.at_index(index))
    if errors:
        raise combine(errors, bulk=bulk)
    for invite in invites:
        await decline(session, invite)
