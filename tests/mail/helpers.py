"""Builders and test senders shared by the outbox tests."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.clock import utcnow
from app.mail.backends.memory import MemorySender
from app.mail.message import MailMessage
from app.mail.models import OutboxMessage
from app.mail.outbox import enqueue


def message(to: str = "ada@example.com", subject: str = "Join Acme") -> MailMessage:
    return MailMessage(
        to=to,
        subject=subject,
        html=f"<p>{subject}</p>",
        text=subject,
        sender_address="no-reply@ixon.test",
        sender_name="IXON Cloud",
    )


async def enqueue_committed(
    maker: async_sessionmaker[AsyncSession], count: int = 1, reference: str | None = None
) -> list[int]:
    async with maker() as session, session.begin():
        rows = [
            await enqueue(
                session,
                message(to=f"person{i}@example.com", subject=f"Message {i}"),
                kind="invite_new_account",
                reference=reference,
            )
            for i in range(count)
        ]
        return [row.id for row in rows]


async def rows(maker: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with maker() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def make_due(maker: async_sessionmaker[AsyncSession]) -> None:
    """As if the retry wait had passed: every queued message is due now."""
    async with maker() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "queued")
            .values(next_attempt_on=utcnow() - timedelta(seconds=1))
        )


async def expire_leases(maker: async_sessionmaker[AsyncSession]) -> None:
    """As if the lease had run out (the worker that claimed the rows crashed)."""
    async with maker() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.claimed_until.is_not(None))
            .values(claimed_until=utcnow() - timedelta(seconds=1))
        )


class BrokenSender:
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error or ConnectionRefusedError("mail server down")
        self.calls = 0

    async def send(self, message: MailMessage) -> None:
        self.calls += 1
        raise self.error


class HangingSender:
    """Sends nothing until released; tells when a send has started."""

    def __init__(self, error: Exception | None = None) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.error = error

    async def send(self, message: MailMessage) -> None:
        self.started.set()
        await self.release.wait()
        if self.error:
            raise self.error


class SlowSender(MemorySender):
    async def send(self, message: MailMessage) -> None:
        await asyncio.sleep(0.002)
        await super().send(message)
