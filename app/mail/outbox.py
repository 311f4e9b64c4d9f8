"""The durable outbox: enqueue in the caller's transaction; a worker sends after the commit
(app/mail/worker.py).

Delivery is at least once. A worker claims due rows with a lease (PostgreSQL: ``FOR UPDATE SKIP
LOCKED``; SQLite: one UPDATE, SQLite having a single writer), sends outside any transaction and
records the outcome only if its claim still holds. A worker that dies mid-batch leaves its rows
to be claimed again once the lease has expired; every attempt of a message carries the same
Message-ID, so a duplicate after such a crash can be recognised by the receiving side.

Bodies are kept only while a message is queued: sending it, giving it up or cancelling it
drops its html and text (they carry live links), the metadata stays.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.core.clock import utcnow
from app.db.bulk import insert_rows
from app.mail.message import MailMessage
from app.mail.models import OutboxMessage, OutboxStatus

if TYPE_CHECKING:
    from app.mail.worker import OutboxWorker

logger = logging.getLogger(__name__)

# What a domain shows for its message ("queued" also while a failed message waits to retry).
DELIVERY_STATES = {
    OutboxStatus.QUEUED: "queued",
    OutboxStatus.SENT: "sent",
    OutboxStatus.DEAD: "failed",
}
# What a message keeps of its body once it has left the queue (the `body` check).
SCRUBBED: dict[str, Any] = {"html": None, "text": None}
_IN_CHUNK = 1000


def _row(message: MailMessage, kind: str, reference: str | None) -> dict[str, Any]:
    return {
        "kind": kind,
        "reference": reference,
        "recipient": message.to,
        "sender_address": message.sender_address,
        "sender_name": message.sender_name,
        "reply_to": message.reply_to,
        "subject": message.subject,
        "html": message.html,
        "text": message.text,
        "status": OutboxStatus.QUEUED,
        "attempts": 0,
        "next_attempt_on": utcnow(),
    }


async def enqueue(
    session: AsyncSession, message: MailMessage, *, kind: str, reference: str | None = None
) -> OutboxMessage:
    """Adds the message to the caller's transaction; it leaves only if that commits."""
    row = OutboxMessage(**_row(message, kind, reference))
    session.add(row)
    await session.flush()
    _wake_workers_after_commit(session)
    return row


async def enqueue_many(
    session: AsyncSession, messages: Sequence[tuple[MailMessage, str, str | None]]
) -> None:
    """`enqueue` for many (message, kind, reference) at once: one statement, no objects."""
    if not messages:
        return
    rows = [_row(message, kind, reference) for message, kind, reference in messages]
    await insert_rows(session, OutboxMessage.__table__, rows)  # type: ignore[arg-type]
    _wake_workers_after_commit(session)


async def replace(
    session: AsyncSession, message: MailMessage, *, kind: str, reference: str
) -> OutboxMessage:
    """Like `enqueue`, but first cancels the messages of ``reference`` that are still waiting
    (an invite resent before its first e-mail left: that one's link no longer works). One a
    worker is sending right now cannot be called back; it goes, and this one after it."""
    now = utcnow()
    m = OutboxMessage
    await session.execute(
        update(m)
        .where(
            m.reference == reference,
            m.status == OutboxStatus.QUEUED,
            or_(m.claimed_until.is_(None), m.claimed_until < now),
        )
        .values(
            status=OutboxStatus.CANCELLED,
            **SCRUBBED,
            claim_token=None,
            claimed_until=None,
            last_error="replaced by a newer message",
        )
        .execution_options(synchronize_session=False)
    )
    return await enqueue(session, message, kind=kind, reference=reference)


async def delivery_state(session: AsyncSession, reference: str) -> str | None:
    """``queued``, ``sent`` or ``failed`` for the newest message of ``reference``; None if none."""
    status = await session.scalar(
        select(OutboxMessage.status)
        .where(OutboxMessage.reference == reference, OutboxMessage.status != OutboxStatus.CANCELLED)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    return None if status is None else DELIVERY_STATES[OutboxStatus(status)]


async def delivery_states(session: AsyncSession, references: Collection[str]) -> dict[str, str]:
    """The state of the newest message of each reference; references without one are absent."""
    wanted = list(dict.fromkeys(references))
    states: dict[str, str] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        newest = (
            select(func.max(OutboxMessage.id))
            .where(
                OutboxMessage.reference.in_(wanted[start : start + _IN_CHUNK]),
                OutboxMessage.status != OutboxStatus.CANCELLED,
            )
            .group_by(OutboxMessage.reference)
        )
        rows = await session.execute(
            select(OutboxMessage.reference, OutboxMessage.status).where(
                OutboxMessage.id.in_(newest)
            )
        )
        for reference, status in rows:
            if reference is not None:
                states[reference] = DELIVERY_STATES[OutboxStatus(status)]
    return states


# Workers running in this process, woken when a session that enqueued mail commits.
running: weakref.WeakSet[OutboxWorker] = weakref.WeakSet()


def _wake_running_workers(_session: Session) -> None:
    for worker in list(running):
        worker.wake()


def _wake_workers_after_commit(session: AsyncSession) -> None:
    wake_after_commit(session.sync_session)


def wake_after_commit(sync_session: Session) -> None:
    """This process's workers start a round when ``sync_session`` commits (another channel's
    rows, written outside `enqueue`, call this too)."""
    if not event.contains(sync_session, "after_commit", _wake_running_workers):
        event.listen(sync_session, "after_commit", _wake_running_workers)
