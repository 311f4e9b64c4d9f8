"""The durable outbox: enqueue in the caller's transaction; a worker sends after the commit.

Delivery is at least once. A worker claims due rows with a lease (PostgreSQL: ``FOR UPDATE SKIP
LOCKED``; SQLite: one UPDATE, SQLite having a single writer), sends outside any transaction and
records the outcome only if its claim still holds. A worker that dies mid-batch leaves its rows
to be claimed again once the lease has expired; every attempt of a message carries the same
Message-ID, so a duplicate after such a crash can be recognised by the receiving side.

Bodies are kept only while a message is queued: sending it, giving it up or cancelling it
drops its html and text (they carry live links), the metadata stays.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import time
import weakref
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from typing import Any, Protocol

from sqlalchemy import event, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from app.config import Settings
from app.core.clock import utcnow
from app.db.bulk import insert_rows
from app.mail.errors import PermanentMailError
from app.mail.message import MailMessage
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.sender import MailSender

logger = logging.getLogger(__name__)

# What a domain shows for its message ("queued" also while a failed message waits to retry).
DELIVERY_STATES = {
    OutboxStatus.QUEUED: "queued",
    OutboxStatus.SENT: "sent",
    OutboxStatus.DEAD: "failed",
}
# What a message keeps of its body once it has left the queue (the `body` check).
SCRUBBED: dict[str, Any] = {"html": None, "text": None}
_ERROR_MAX = 2000
_IN_CHUNK = 1000
# How often a running worker closes the invites past their expiry (each worker; a sweep that
# meets nothing due costs one query).
SWEEP_SECONDS = 60.0


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
_running: weakref.WeakSet[OutboxWorker] = weakref.WeakSet()


def _wake_running_workers(_session: Session) -> None:
    for worker in list(_running):
        worker.wake()


def _wake_workers_after_commit(session: AsyncSession) -> None:
    wake_after_commit(session.sync_session)


def wake_after_commit(sync_session: Session) -> None:
    """This process's workers start a round when ``sync_session`` commits (another channel's
    rows, written outside `enqueue`, call this too)."""
    if not event.contains(sync_session, "after_commit", _wake_running_workers):
        event.listen(sync_session, "after_commit", _wake_running_workers)


@dataclass(frozen=True, slots=True)
class _Claim:
    id: int
    attempts: int
    kind: str
    message: MailMessage
    channel: str = "mail"
    reference: str | None = None


# Work to do in the transaction that records an outcome (only if the claim still holds).
Also = Callable[[AsyncSession], Awaitable[None]]


class Channel(Protocol):
    """Another kind of row in the same queue (app/webhooks): claimed, leased and retried like
    mail; the channel makes the attempt and records its outcome with `OutboxWorker.record`."""

    async def attempt(self, claim: _Claim, token: str) -> None: ...


def _default_channels(worker: OutboxWorker) -> dict[str, Channel]:
    from app.webhooks.delivery import WebhookChannel

    return {"webhook": WebhookChannel(worker)}


async def _mail_given_up(session: AsyncSession, claim: _Claim, error: str) -> None:
    """Told to what announces it (an invite's e-mail given up: a webhook event)."""
    from app.webhooks.mail_events import mail_given_up

    await mail_given_up(session, claim.kind, claim.reference, error)


def _describe(exc: BaseException) -> str:
    detail = str(exc)
    text = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    return text[:_ERROR_MAX]


class OutboxWorker:
    """Claims due messages, sends them, records the outcome; any number may run at once."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        sender: MailSender,
        settings: Settings,
        channels: Mapping[str, Channel] | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.sender = sender
        self.settings = settings
        self.channels = dict(channels) if channels is not None else _default_channels(self)
        self.sent_count = 0
        self.failed_count = 0
        self._wakeup = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._next_sweep = 0.0  # the first round sweeps

    def backoff(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failure: doubling, capped, with a little jitter."""
        s = self.settings
        base = min(s.outbox_retry_max_seconds, s.outbox_retry_base_seconds * 2 ** (attempts - 1))
        return timedelta(seconds=base * (1 + random.random() / 10))  # noqa: S311 - jitter only

    async def run_once(self) -> int:
        """Claims one batch of due messages and tries each; returns how many it claimed.
        Sent ones are recorded together at the end of the batch (one UPDATE); a worker that
        dies before that leaves them to be sent again once the lease is over."""
        token = secrets.token_hex(16)
        claims = await self._claim(token)
        # A send may only start while the lease is sure to outlast it.
        last_start = time.monotonic() + (
            self.settings.outbox_lease_seconds - self.settings.mail_send_timeout
        )
        sent: list[_Claim] = []
        try:
            for index, claim in enumerate(claims):
                if time.monotonic() > last_start:
                    await self._release(token, [c.id for c in claims[index:]])
                    break
                if await self._attempt(claim, token):
                    sent.append(claim)
        finally:
            await self._record_sent(token, sent)
        return len(claims)

    async def drain(self, max_rounds: int = 10_000) -> int:
        """Runs rounds until nothing is due (failures wait for their retry time)."""
        total = 0
        for _ in range(max_rounds):
            claimed = await self.run_once()
            if not claimed:
                break
            total += claimed
        return total

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Rounds until ``stop`` is set: at once while batches are full, else every poll."""
        self._loop = asyncio.get_running_loop()
        _running.add(self)
        try:
            while not stop.is_set():
                self._wakeup.clear()
                try:
                    await self._sweep_when_due()
                    claimed = await self.run_once()
                except Exception:
                    logger.exception("outbox round failed; trying again after the poll interval")
                    claimed = 0
                if claimed < self.settings.outbox_batch_size:
                    await self._idle()
                    await self._sleep(stop)
        finally:
            _running.discard(self)

    async def sweep(self) -> int:
        """Closes the invites whose expiry passed (app/invites/expiry.py); how many."""
        from app.invites.expiry import expire_due

        self._next_sweep = time.monotonic() + SWEEP_SECONDS
        return await expire_due(self.sessionmaker, self.settings.invite_expired_grace)

    async def _sweep_when_due(self) -> None:
        if time.monotonic() >= self._next_sweep:
            await self.sweep()

    async def _idle(self) -> None:
        """Nothing more due now: a sender holding a connection lets it go."""
        close = getattr(self.sender, "close", None)
        if close is not None:
            try:
                await close()
            except Exception:
                logger.exception("closing the mail sender failed")

    def wake(self) -> None:
        """Starts the next round now (mail was just committed); safe from any thread."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wakeup.set)

    async def _sleep(self, stop: asyncio.Event) -> None:
        waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wakeup.wait())]
        try:
            await asyncio.wait(
                waits,
                timeout=self.settings.outbox_poll_interval,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            for waiting in waits:
                waiting.cancel()

    async def _claim(self, token: str) -> list[_Claim]:
        now = utcnow()
        m = OutboxMessage
        due = (
            select(m.id)
            .where(
                m.status == OutboxStatus.QUEUED,
                m.next_attempt_on <= now,
                or_(m.claimed_until.is_(None), m.claimed_until < now),
            )
            .order_by(m.next_attempt_on, m.id)
            .limit(self.settings.outbox_batch_size)
        )
        claim = (
            update(m)
            .values(
                claim_token=token,
                claimed_until=now + timedelta(seconds=self.settings.outbox_lease_seconds),
            )
            .returning(
                *(m.id, m.public_id, m.attempts, m.kind, m.recipient, m.reply_to),
                *(m.channel, m.reference),
                *(m.sender_address, m.sender_name, m.subject, m.html, m.text),
            )
            .execution_options(synchronize_session=False)
        )
        async with self.sessionmaker() as session, session.begin():
            if (await session.connection()).dialect.name == "postgresql":
                ids = list(await session.scalars(due.with_for_update(skip_locked=True)))
                if not ids:
                    return []
                rows = (await session.execute(claim.where(m.id.in_(ids)))).all()
            else:
                # SQLite has one writer at a time: a single UPDATE finds and claims atomically.
                rows = (await session.execute(claim.where(m.id.in_(due.scalar_subquery())))).all()
        return sorted((self._to_claim(row) for row in rows), key=lambda c: c.id)

    @staticmethod
    def _to_claim(row: Any) -> _Claim:
        domain = parseaddr(row.sender_address)[1].rpartition("@")[2] or "localhost"
        message = MailMessage(
            to=row.recipient,
            subject=row.subject,
            html=row.html or "",  # a claimed message is queued: its body is there
            text=row.text or "",
            sender_address=row.sender_address,
            sender_name=row.sender_name,
            reply_to=row.reply_to,
            message_id=f"<outbox.{row.public_id}@{domain}>",
        )
        return _Claim(
            id=row.id,
            attempts=row.attempts,
            kind=row.kind,
            message=message,
            channel=row.channel,
            reference=row.reference,
        )

    async def _attempt(self, claim: _Claim, token: str) -> bool:
        """Sends one message; a failure is recorded at once, a success left to the caller.
        Another channel's rows (webhooks) record their own outcome."""
        channel = self.channels.get(claim.channel)
        if channel is not None:
            await channel.attempt(claim, token)
            return False
        try:
            async with asyncio.timeout(self.settings.mail_send_timeout):
                await self.sender.send(claim.message)
        except Exception as exc:
            await self._record_failure(claim, token, exc)
            return False
        return True

    async def _record_sent(self, token: str, claims: list[_Claim]) -> None:
        """The sent messages of one claim, in one UPDATE (only rows the claim still holds)."""
        if not claims:
            return
        m = OutboxMessage
        async with self.sessionmaker() as session, session.begin():
            await session.execute(
                update(m)
                .where(m.id.in_([c.id for c in claims]), m.claim_token == token)
                .values(
                    status=OutboxStatus.SENT,
                    attempts=m.attempts + 1,
                    sent_on=utcnow(),
                    claim_token=None,
                    claimed_until=None,
                    **SCRUBBED,
                )
                .execution_options(synchronize_session=False)
            )
        self.sent_count += len(claims)

    async def _record_failure(self, claim: _Claim, token: str, exc: Exception) -> None:
        attempts = claim.attempts + 1
        error = _describe(exc)
        if isinstance(exc, PermanentMailError) or attempts >= self.settings.outbox_max_attempts:
            await self._record(
                claim,
                token,
                also=lambda session: _mail_given_up(session, claim, error),
                status=OutboxStatus.DEAD,
                attempts=attempts,
                last_error=error,
                **SCRUBBED,
            )
            logger.error("outbox message %s (%s) given up: %s", claim.id, claim.kind, error)
        else:
            retry = self.backoff(attempts)
            await self._record(
                claim, token, attempts=attempts, last_error=error, next_attempt_on=utcnow() + retry
            )
            logger.warning(
                "outbox message %s (%s) attempt %d failed, retry in %.0f s: %s",
                claim.id,
                claim.kind,
                attempts,
                retry.total_seconds(),
                error,
            )
        self.failed_count += 1

    async def _record(
        self, claim: _Claim, token: str, *, also: Also | None = None, **values: Any
    ) -> bool:
        """Writes the outcome only while the claim is ours (a late worker changes nothing),
        with ``also`` in the same transaction; whether it was still ours."""
        async with self.sessionmaker() as session, session.begin():
            result = await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == claim.id, OutboxMessage.claim_token == token)
                .values(claim_token=None, claimed_until=None, **values)
                .execution_options(synchronize_session=False)
            )
            held = bool(getattr(result, "rowcount", 0))
            if held and also is not None:
                await also(session)
        return held

    record = _record

    async def _release(self, token: str, ids: list[int]) -> None:
        async with self.sessionmaker() as session, session.begin():
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids), OutboxMessage.claim_token == token)
                .values(claim_token=None, claimed_until=None)
                .execution_options(synchronize_session=False)
            )
