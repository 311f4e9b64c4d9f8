"""Closing invites whose expiry passed, so that their end is recorded (and `invite.expired`
announced) when it happens rather than when some later action meets them.

The outbox worker sweeps now and then (`OutboxWorker.run_forever`); `ixon-api expire-invites`
sweeps once. A swept invite is closed as any expired one is (`close_many`): its links stop
working and its pending memberships go, in one transaction with its audit and webhook events.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.clock import utcnow
from app.invites.lifecycle import close_many
from app.invites.models import EXPIRED, PENDING, Invite

BATCH = 500  # invites closed per transaction


async def expire_batch(session: AsyncSession, grace: float = 0, limit: int = BATCH) -> int:
    """Closes up to ``limit`` pending invites more than ``grace`` seconds past their expiry;
    how many it closed. Rows another transaction holds are skipped (PostgreSQL): the next
    sweep gets them. A closed invite cannot be resent any more (``grace`` keeps it open)."""
    before = utcnow() - timedelta(seconds=grace)
    invites = list(
        await session.scalars(
            select(Invite)
            .where(Invite.status == PENDING, Invite.expires_on <= before)
            .order_by(Invite.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    await close_many(session, invites, EXPIRED, bulk=False)
    return len(invites)


async def expire_due(sessionmaker: async_sessionmaker[AsyncSession], grace: float = 0) -> int:
    """Every invite past its expiry, a batch per transaction; how many were closed."""
    total = 0
    while True:
        async with sessionmaker() as session:
            closed = await expire_batch(session, grace)
            await session.commit()
        total += closed
        if closed < BATCH:
            return total
