"""The outbox worker, on real commits: exactly once, retries, dead letters, leases, races."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.config import Settings
from app.core.clock import utcnow
from app.mail.backends.memory import MemorySender
from app.mail.backends.smtp import SmtpConfig, SmtpSender
from app.mail.errors import PermanentMailError
from app.mail.models import OutboxMessage
from app.mail.outbox import delivery_state, enqueue
from app.mail.worker import OutboxWorker
from tests.mail.helpers import (
    BrokenSender,
    HangingSender,
    SlowSender,
    enqueue_committed,
    expire_leases,
    make_due,
    message,
    rows,
)
from tests.mail.smtpd import StartSmtp, free_port

Maker = async_sessionmaker[AsyncSession]


async def test_a_rolled_back_transaction_sends_nothing(
    committed: Maker, mail_settings: Settings
) -> None:
    async with committed() as session:
        await enqueue(session, message(), kind="invite_new_account", reference="invite:x")
        await session.rollback()
    with pytest.raises(RuntimeError):
        async with committed() as session, session.begin():
            await enqueue(session, message(), kind="invite_new_account")
            raise RuntimeError("the request failed after the invite was written")
    sender = MemorySender()
    assert await OutboxWorker(committed, sender, mail_settings).drain() == 0
    assert sender.outbox == []
    assert await rows(committed) == []


async def test_sends_what_is_queued_exactly_once(committed: Maker, mail_settings: Settings) -> None:
    await enqueue_committed(committed, 3, reference="invite:abc")
    sender = MemorySender()
    worker = OutboxWorker(committed, sender, mail_settings)
    assert await worker.run_once() == 3
    assert await worker.run_once() == 0
    assert sorted(m.to for m in sender.outbox) == [f"person{i}@example.com" for i in range(3)]
    stored = await rows(committed)
    assert {(r.status, r.attempts, r.claim_token, r.claimed_until) for r in stored} == {
        ("sent", 1, None, None)
    }
    assert all(r.sent_on is not None for r in stored)
    # Every attempt of a message carries the same Message-ID, made from the row.
    assert sorted(m.message_id or "" for m in sender.outbox) == sorted(
        f"<outbox.{r.public_id}@ixon.test>" for r in stored
    )
    async with committed() as session:
        assert await delivery_state(session, "invite:abc") == "sent"


async def test_a_batch_is_limited(committed: Maker, mail_settings: Settings) -> None:
    await enqueue_committed(committed, 5)
    settings = mail_settings.model_copy(update={"outbox_batch_size": 2})
    worker = OutboxWorker(committed, MemorySender(), settings)
    assert [await worker.run_once() for _ in range(4)] == [2, 2, 1, 0]


async def test_failures_are_retried_later_with_backoff(
    committed: Maker, mail_settings: Settings
) -> None:
    await enqueue_committed(committed, 1, reference="invite:r")
    sender = BrokenSender()
    worker = OutboxWorker(committed, sender, mail_settings)
    before = utcnow()
    assert await worker.run_once() == 1
    [row] = await rows(committed)
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.last_error == "ConnectionRefusedError: mail server down"
    base = timedelta(seconds=mail_settings.outbox_retry_base_seconds)
    assert before + base <= row.next_attempt_on <= utcnow() + base * 1.1
    assert (row.claim_token, row.claimed_until) == (None, None)
    # Not due yet: the next round leaves it alone.
    assert await worker.run_once() == 0
    async with committed() as session:
        assert await delivery_state(session, "invite:r") == "queued"
    await make_due(committed)
    assert await worker.run_once() == 1
    [row] = await rows(committed)
    assert row.attempts == 2
    assert row.next_attempt_on >= utcnow() + base * 2 - timedelta(seconds=5)


def test_backoff_doubles_up_to_the_maximum(mail_settings: Settings) -> None:
    settings = mail_settings.model_copy(
        update={"outbox_retry_base_seconds": 10, "outbox_retry_max_seconds": 100}
    )
    worker = OutboxWorker(None, MemorySender(), settings)  # type: ignore[arg-type]
    waits = [worker.backoff(n).total_seconds() for n in range(1, 7)]
    for wait, expected in zip(waits, [10, 20, 40, 80, 100, 100], strict=True):
        assert expected <= wait <= expected * 1.1


async def test_dead_after_max_attempts_keeping_the_last_error(
    committed: Maker, mail_settings: Settings
) -> None:
    await enqueue_committed(committed, 1, reference="invite:d")
    sender = BrokenSender(TimeoutError())
    worker = OutboxWorker(committed, sender, mail_settings)
    for _ in range(mail_settings.outbox_max_attempts):
        assert await worker.run_once() == 1
        await make_due(committed)
    [row] = await rows(committed)
    assert (row.status, row.attempts, row.last_error) == ("dead", 3, "TimeoutError")
    assert await worker.run_once() == 0
    assert sender.calls == 3
    async with committed() as session:
        assert await delivery_state(session, "invite:d") == "failed"


async def test_a_permanent_error_is_not_retried(committed: Maker, mail_settings: Settings) -> None:
    await enqueue_committed(committed, 1)
    worker = OutboxWorker(committed, BrokenSender(PermanentMailError("550 no")), mail_settings)
    assert await worker.run_once() == 1
    [row] = await rows(committed)
    assert (row.status, row.attempts, row.last_error) == ("dead", 1, "PermanentMailError: 550 no")


async def test_a_send_that_takes_too_long_fails(committed: Maker, mail_settings: Settings) -> None:
    await enqueue_committed(committed, 1)
    settings = mail_settings.model_copy(update={"mail_send_timeout": 0.05})
    async with asyncio.timeout(10):
        assert await OutboxWorker(committed, HangingSender(), settings).run_once() == 1
    [row] = await rows(committed)
    assert (row.status, row.attempts, row.last_error) == ("queued", 1, "TimeoutError")


async def test_a_crashed_workers_claim_is_taken_again_after_the_lease(
    committed: Maker, mail_settings: Settings
) -> None:
    await enqueue_committed(committed, 1, reference="invite:c")
    hanging = HangingSender()
    crashed = asyncio.create_task(OutboxWorker(committed, hanging, mail_settings).run_once())
    async with asyncio.timeout(10):
        await hanging.started.wait()
    crashed.cancel()
    with pytest.raises(asyncio.CancelledError):
        await crashed
    [row] = await rows(committed)
    assert row.claim_token is not None and row.claimed_until is not None
    assert row.claimed_until > utcnow()

    sender = MemorySender()
    other = OutboxWorker(committed, sender, mail_settings)
    assert await other.run_once() == 0  # still leased
    await expire_leases(committed)
    assert await other.run_once() == 1
    assert [m.to for m in sender.outbox] == ["person0@example.com"]
    async with committed() as session:
        assert await delivery_state(session, "invite:c") == "sent"


async def test_a_late_worker_cannot_overwrite_the_outcome(
    committed: Maker, mail_settings: Settings
) -> None:
    await enqueue_committed(committed, 1)
    late = HangingSender(error=ConnectionResetError("too late"))
    slow = asyncio.create_task(OutboxWorker(committed, late, mail_settings).run_once())
    async with asyncio.timeout(10):
        await late.started.wait()
    await expire_leases(committed)
    assert await OutboxWorker(committed, MemorySender(), mail_settings).run_once() == 1
    late.release.set()
    async with asyncio.timeout(10):
        assert await slow == 1
    [row] = await rows(committed)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)


async def test_concurrent_workers_never_send_a_message_twice(
    committed: Maker, mail_settings: Settings
) -> None:
    await enqueue_committed(committed, 40)
    settings = mail_settings.model_copy(update={"outbox_batch_size": 4})
    senders = [SlowSender() for _ in range(3)]
    workers = [OutboxWorker(committed, s, settings) for s in senders]
    async with asyncio.timeout(60):
        await asyncio.gather(*(w.drain() for w in workers))
    sent = [m.to for s in senders for m in s.outbox]
    assert sorted(sent) == sorted(f"person{i}@example.com" for i in range(40))
    assert sum(1 for s in senders if s.outbox) >= 2  # they really ran side by side
    assert {r.status for r in await rows(committed)} == {"sent"}


@pytest.mark.postgres_only
async def test_postgres_skips_rows_another_transaction_holds(
    committed: Maker, mail_settings: Settings, engine: AsyncEngine, backend: str
) -> None:
    if backend != "postgres":
        pytest.skip("FOR UPDATE SKIP LOCKED is PostgreSQL's; SQLite has a single writer")
    locked, free = await enqueue_committed(committed, 2)
    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    sender = MemorySender()
    async with committed() as holder, holder.begin():
        await holder.execute(
            select(OutboxMessage.id).where(OutboxMessage.id == locked).with_for_update()
        )
        event.listen(engine.sync_engine, "before_cursor_execute", record)
        try:
            async with asyncio.timeout(10):  # a plain FOR UPDATE would wait here
                assert await OutboxWorker(committed, sender, mail_settings).run_once() == 1
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", record)
    assert [m.to for m in sender.outbox] == ["person1@example.com"]
    assert any("FOR UPDATE SKIP LOCKED" in s for s in statements)
    states = {r.id: (r.status, r.attempts) for r in await rows(committed)}
    assert states == {locked: ("queued", 0), free: ("sent", 1)}


async def test_server_down_nothing_lost_then_everything_arrives_once(
    committed: Maker, mail_settings: Settings, smtp_server: StartSmtp
) -> None:
    port = free_port()
    settings = mail_settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})
    worker = OutboxWorker(committed, SmtpSender(SmtpConfig.from_settings(settings)), settings)
    await enqueue_committed(committed, 3, reference="invite:down")

    assert await worker.run_once() == 3  # the server is down
    stored = await rows(committed)
    assert {(r.status, r.attempts) for r in stored} == {("queued", 1)}
    assert all(r.last_error and "SMTPConnectError" in r.last_error for r in stored)
    assert all(r.next_attempt_on > utcnow() for r in stored)
    async with committed() as session:
        assert await delivery_state(session, "invite:down") == "queued"

    server = await smtp_server(port=port)
    await make_due(committed)
    assert await worker.drain() == 3
    received = await server.recorder.wait_for(3)
    assert sorted(r.rcpt_tos[0] for r in received) == [f"person{i}@example.com" for i in range(3)]
    first = next(r.message for r in received if r.rcpt_tos == ["person0@example.com"])
    assert first["Subject"] == "Message 0"
    assert first["From"] == "IXON Cloud <no-reply@ixon.test>"
    assert first["Message-ID"].startswith("<outbox.")
    assert {(r.status, r.attempts) for r in await rows(committed)} == {("sent", 2)}
    await make_due(committed)
    assert await worker.drain() == 0
    await asyncio.sleep(0.1)
    assert len(server.recorder.received) == 3


async def test_run_forever_wakes_after_a_commit_and_stops(
    committed: Maker, mail_settings: Settings
) -> None:
    settings = mail_settings.model_copy(update={"outbox_poll_interval": 60})
    sender = MemorySender()
    worker = OutboxWorker(committed, sender, settings)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run_forever(stop))
    await asyncio.sleep(0.05)  # the first (empty) round is done; it now sleeps for a minute
    await enqueue_committed(committed, 1)
    async with asyncio.timeout(10):
        while not sender.outbox:  # noqa: ASYNC110 - woken by the commit, not by the poll
            await asyncio.sleep(0.01)
    stop.set()
    async with asyncio.timeout(10):
        await task


async def test_run_forever_survives_a_failing_round(
    committed: Maker, mail_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    calls = 0

    class Broken(OutboxWorker):
        async def run_once(self) -> int:
            nonlocal calls
            calls += 1
            raise OSError("database unreachable")

    settings = mail_settings.model_copy(update={"outbox_poll_interval": 0.01})
    stop = asyncio.Event()
    task = asyncio.create_task(Broken(committed, MemorySender(), settings).run_forever(stop))
    async with asyncio.timeout(10):
        while calls < 3:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    stop.set()
    async with asyncio.timeout(10):
        await task
    assert "outbox round failed" in caplog.text
