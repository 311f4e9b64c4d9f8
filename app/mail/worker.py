"""The outbox's worker: claims due rows with a lease, sends (mail itself, other channels'
rows through their channel), records the outcome while the claim holds, and sweeps the invites
past their expiry. What it guarantees is told in app/mail/outbox.py."""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from typing import Any, Protocol

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.core.clock import utcnow
from app.mail import outbox
from app.mail.errors import PermanentMailError
from app.mail.message import MailMessage
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.outbox import SCRUBBED
from app.mail.sender import MailSender

logger = logging.getLogger(__name__)

_ERROR_MAX = 2000
# How often a running worker closes the invites past their expiry (each worker; a sweep that
# meets nothing due costs one query).
SWEEP_SECONDS = 60.0


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
        outbox.running.add(self)
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
            outbox.running.discard(self)

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
