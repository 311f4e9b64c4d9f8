"""`invite.delivery_failed`: the outbox gave an invite's e-mail up. Announced in the worker's
transaction that records it (there is no request, and no audited row changes)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.context import SYSTEM
from app.webhooks import events

INVITE_PREFIX = "invite:"


async def mail_given_up(
    session: AsyncSession, kind: str, reference: str | None, error: str
) -> None:
    if reference is None or not reference.startswith(INVITE_PREFIX):
        return
    from app.companies.models import Company
    from app.invites.models import Invite

    found = (
        await session.execute(
            select(Invite.public_id, Invite.email_address, Invite.status, Company.public_id)
            .join(Company, Company.id == Invite.company_id)
            .where(Invite.public_id == reference.removeprefix(INVITE_PREFIX))
        )
    ).first()
    if found is None:
        return
    invite_id, email, status, company = found
    data = {
        "invite": {"publicId": invite_id, "emailAddress": email, "status": status},
        "mail": {"kind": kind},
        "error": error,
    }
    actor = {"type": SYSTEM.type, "publicId": SYSTEM.public_id, "name": SYSTEM.name}
    pending = [
        events.Pending(
            company,
            "invite.delivery_failed",
            events.payload("invite.delivery_failed", company, data, actor),
        )
    ]
    await session.run_sync(lambda s: events.store(s, pending))
