"""Secrets at rest: a message keeps its body only while it waits. Sent, given up or replaced,
its html and text (live links) are gone and its metadata stays; the database refuses a body
on any message that is not queued."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.mail.backends.memory import MemorySender
from app.mail.errors import PermanentMailError
from app.mail.message import MailMessage
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.outbox import delivery_state, enqueue, replace
from app.mail.worker import OutboxWorker
from tests.mail.helpers import BrokenSender, enqueue_committed, message, rows

Maker = async_sessionmaker[AsyncSession]
LINK = "https://portal.example.test/portal/access-recover/s3cr3t"


def with_link() -> MailMessage:
    mail = message(subject="Reset your password")
    return dataclasses.replace(mail, text=f"Open {LINK}", html=f"<a href='{LINK}'>Reset</a>")


async def test_a_sent_message_keeps_its_metadata_and_not_its_body(
    committed: Maker, mail_settings: Settings
) -> None:
    async with committed() as session, session.begin():
        await enqueue(session, with_link(), kind="password_reset", reference="user:1")
    sender = MemorySender()
    await OutboxWorker(committed, sender, mail_settings).drain()
    (sent,) = sender.outbox
    assert LINK in sent.text and LINK in sent.html  # the recipient got it all
    (row,) = await rows(committed)
    assert (row.status, row.html, row.text) == ("sent", None, None)
    assert (row.recipient, row.subject, row.kind, row.reference) == (
        "ada@example.com",
        "Reset your password",
        "password_reset",
        "user:1",
    )
    assert row.sent_on is not None and row.attempts == 1


@pytest.mark.parametrize("error", [PermanentMailError("550 no such user"), OSError("down")])
async def test_a_given_up_message_drops_its_body_too(
    committed: Maker, mail_settings: Settings, error: Exception
) -> None:
    await enqueue_committed(committed, 1)
    settings = mail_settings.model_copy(update={"outbox_max_attempts": 1})
    await OutboxWorker(committed, BrokenSender(error), settings).drain()
    (row,) = await rows(committed)
    assert (row.status, row.html, row.text) == ("dead", None, None)
    assert row.last_error and type(error).__name__ in row.last_error


async def test_the_database_refuses_a_body_out_of_the_queue(session: AsyncSession) -> None:
    row = await enqueue(session, message(), kind="invite_new_account")
    for status in (OutboxStatus.SENT, OutboxStatus.DEAD, OutboxStatus.CANCELLED):
        with pytest.raises(IntegrityError):
            async with session.begin_nested():
                await session.execute(
                    update(OutboxMessage).where(OutboxMessage.id == row.id).values(status=status)
                )
    with pytest.raises(IntegrityError):  # and a queued message without one
        async with session.begin_nested():
            await session.execute(
                update(OutboxMessage).where(OutboxMessage.id == row.id).values(text=None)
            )


async def test_replace_cancels_what_still_waits_and_queues_the_new_one(
    session: AsyncSession,
) -> None:
    first = await enqueue(
        session, message(subject="First"), kind="invite_new_account", reference="invite:r"
    )
    newer = await replace(
        session, message(subject="Second"), kind="invite_new_account", reference="invite:r"
    )
    other = await enqueue(
        session, message(subject="Other"), kind="invite_new_account", reference="invite:o"
    )
    await session.refresh(first)
    assert (first.status, first.html, first.text) == ("cancelled", None, None)
    assert first.last_error == "replaced by a newer message"
    assert (newer.status, newer.subject) == ("queued", "Second")
    assert newer.public_id != first.public_id  # its own Message-ID
    assert await delivery_state(session, "invite:r") == "queued"
    await session.refresh(other)
    assert other.status == "queued"  # another reference is left alone


async def test_replace_leaves_a_message_that_is_being_sent(
    committed: Maker, mail_settings: Settings
) -> None:
    """A claimed message may be on the wire already: it is not called back."""
    (claimed,) = await enqueue_committed(committed, 1, reference="invite:busy")
    worker = OutboxWorker(committed, MemorySender(), mail_settings)
    assert len(await worker._claim("a" * 32)) == 1
    async with committed() as session, session.begin():
        await replace(session, message(), kind="invite_new_account", reference="invite:busy")
    states = {row.id: row.status for row in await rows(committed)}
    assert states[claimed] == "queued" and list(states.values()).count("queued") == 2
