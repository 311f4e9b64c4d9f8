"""Enqueueing in the caller's transaction, and the delivery state a domain reads back."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.outbox import delivery_state, delivery_states, enqueue
from tests.mail.helpers import message


async def test_enqueue_adds_and_flushes_a_queued_row(session: AsyncSession) -> None:
    row = await enqueue(session, message(), kind="invite_new_account", reference="invite:abc")
    assert row.id is not None
    assert len(row.public_id) == 12
    assert (row.status, row.attempts, row.kind) == ("queued", 0, "invite_new_account")
    assert (row.recipient, row.subject, row.text) == ("ada@example.com", "Join Acme", "Join Acme")
    assert (row.sender_name, row.sender_address) == ("IXON Cloud", "no-reply@ixon.test")
    assert row.next_attempt_on is not None and row.sent_on is None
    assert session.in_transaction()


async def test_delivery_state_follows_the_newest_message(session: AsyncSession) -> None:
    assert await delivery_state(session, "invite:abc") is None
    first = await enqueue(session, message(), kind="invite_new_account", reference="invite:abc")
    assert await delivery_state(session, "invite:abc") == "queued"
    await _set_status(session, first.id, OutboxStatus.DEAD)
    assert await delivery_state(session, "invite:abc") == "failed"
    second = await enqueue(session, message(), kind="invite_new_account", reference="invite:abc")
    assert await delivery_state(session, "invite:abc") == "queued"
    await _set_status(session, second.id, OutboxStatus.SENT)
    assert await delivery_state(session, "invite:abc") == "sent"


async def test_delivery_states_in_bulk(session: AsyncSession) -> None:
    a = await enqueue(session, message(), kind="invite_new_account", reference="invite:a")
    await enqueue(session, message(), kind="invite_new_account", reference="invite:b")
    await enqueue(session, message(), kind="password_reset", reference=None)
    await _set_status(session, a.id, OutboxStatus.SENT)
    states = await delivery_states(session, ["invite:a", "invite:b", "invite:none", "invite:a"])
    assert states == {"invite:a": "sent", "invite:b": "queued"}
    assert await delivery_states(session, []) == {}


async def _set_status(session: AsyncSession, row_id: int, status: OutboxStatus) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(status=status, html=None, text=None)
    )
