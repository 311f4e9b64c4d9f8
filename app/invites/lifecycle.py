"""How an invite ends: accepted (its memberships move to the user), declined, revoked or
closed as expired. Each ends the invite once; its links stop working."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from app.action_tokens import service as links
from app.core.clock import aware, utcnow
from app.core.errors import AppError, combine
from app.invites.models import ACCEPTED, DECLINED, Invite
from app.invites.repository import InviteRepository
from app.invites.status import finished_error
from app.users.models import User


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    """The later of two membership expiries; None (permanent) is the latest."""
    if a is None or b is None:
        return None
    return max(aware(a), aware(b))


async def accept(session: AsyncSession, invite: Invite, user: User) -> None:
    """The user takes the invite: its memberships become theirs, its links stop working."""
    repository = InviteRepository(session)
    # Links first, then the invite's row: the order the link flows lock them in (they use up
    # their link first), so an accept by link and one by a logged-in user, or a revoke,
    # wait for each other instead of deadlocking.
    await links.revoke(session, links.INVITE, invite.public_id)
    if not await repository.finish(invite.id, ACCEPTED, unexpired=True, accepted_by_id=user.id):
        await session.refresh(invite)
        raise finished_error(invite)
    # The row is written (above); the object only learns it. Set as changes, a second UPDATE
    # of the same values would follow at the flush, and a second audit event with it.
    for name, value in (
        ("status", ACCEPTED),
        ("accepted_by_id", user.id),
        ("finished_on", utcnow()),
    ):
        set_committed_value(invite, name, value)
    bound = (await repository.memberships([invite.id])).get(invite.id, [])
    held = {
        (m.group_id, m.role_id): m
        for m in await repository.user_memberships(invite.company_id, user.id)
    }
    merged: list[int] = []
    for membership in bound:
        mine = held.get((membership.group_id, membership.role_id))
        if mine is not None:
            mine.expires_on = _later(mine.expires_on, membership.expires_on)
            merged.append(membership.id)
        else:
            membership.invite_id, membership.user_id = None, user.id
    await repository.delete_memberships(ids=merged)
    await session.flush()


async def close(session: AsyncSession, invite: Invite, status: str) -> None:
    """Declined, revoked or closed as expired: the pending memberships go, the links stop
    working."""
    await close_many(session, [invite], status, bulk=False)


async def close_many(
    session: AsyncSession, invites: Sequence[Invite], status: str, *, bulk: bool = True
) -> None:
    """``close`` for many invites (of one request, in its order) in three statements, however
    many there are. One that another request finished meanwhile makes it a 409/410 (an error
    naming its index when ``bulk``), and nothing is closed."""
    if not invites:
        return
    repository = InviteRepository(session)
    await links.revoke_many(session, links.INVITE, [i.public_id for i in invites])  # links first
    closed = await repository.finish_many([i.id for i in invites], status, unexpired=False)
    late: list[AppError] = []
    for index, invite in enumerate(invites):
        if invite.id not in closed:
            await session.refresh(invite)
            late.append(finished_error(invite).at_index(index) if bulk else finished_error(invite))
    if late:
        raise combine(late)
    now = utcnow()
    for invite in invites:
        set_committed_value(invite, "status", status)
        set_committed_value(invite, "finished_on", now)
    await repository.delete_memberships(invite_ids=[i.id for i in invites])


async def decline(session: AsyncSession, invite: Invite) -> None:
    """The invitee says no: the invite is closed as declined."""
    await close(session, invite, DECLINED)
