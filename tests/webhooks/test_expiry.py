"""The sweep that closes invites past their expiry: `invite.expired` when it happens, once."""

from __future__ import annotations

import asyncio

import pytest

from app.config import Settings
from app.invites.models import EXPIRED, PENDING
from app.mail.backends.memory import MemorySender
from app.mail.worker import OutboxWorker
from tests.helpers import Api, World
from tests.invites.support import expire, invite, invite_row, memberships_of_invite
from tests.webhooks.support import endpoint, events


async def test_the_sweep_closes_an_expired_invite_and_announces_it_once(
    api: Api, world: World, settings: Settings
) -> None:
    await endpoint(api, events=["invite.expired"])
    late = await invite(api, "late@example.com")
    on_time = await invite(api, "on.time@example.com")
    await expire(world.sessionmaker, late)
    closing = settings.model_copy(update={"invite_expired_grace": 0})
    worker = OutboxWorker(world.sessionmaker, MemorySender(), closing)
    assert await worker.sweep() == 1
    assert await worker.sweep() == 0
    row = await invite_row(world.sessionmaker, late)
    assert row.status == EXPIRED and row.finished_on is not None
    assert await memberships_of_invite(world.sessionmaker, late) == []
    assert (await invite_row(world.sessionmaker, on_time)).status == PENDING
    stored = await events(world.sessionmaker)
    assert [e.type for e in stored] == ["invite.expired"]
    data = stored[0].payload["data"]
    assert data["invite"]["publicId"] == late and data["invite"]["status"] == "expired"
    assert data["actor"]["publicId"] == "system"
    # Closed, it is not resendable any more: a 409 naming its state, not a 500.
    resend = await api.post(f"/invites/{late}/resend", branding="portal.ixon.cloud")
    assert resend.status_code == 409, resend.text


async def test_the_running_worker_sweeps_and_the_grace_keeps_an_invite_open(
    api: Api, world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    await endpoint(api, events=["invite.expired"])
    late = await invite(api, "late@example.com")
    await expire(world.sessionmaker, late)  # an hour ago
    # By default an expired invite stays open for 30 days: an administrator can resend it.
    patient = OutboxWorker(world.sessionmaker, MemorySender(), settings)
    assert await patient.sweep() == 0
    assert (await invite_row(world.sessionmaker, late)).status == PENDING
    await expire(world.sessionmaker, late)  # an hour ago again
    closing = settings.model_copy(update={"invite_expired_grace": 0})
    worker = OutboxWorker(world.sessionmaker, MemorySender(), closing)
    stop = asyncio.Event()
    sweep = worker.sweep

    async def sweep_then_stop() -> int:  # one round of the loop, then it ends
        closed = await sweep()
        stop.set()
        return closed

    monkeypatch.setattr(worker, "sweep", sweep_then_stop)
    await asyncio.wait_for(worker.run_forever(stop), 30)
    assert (await invite_row(world.sessionmaker, late)).status == EXPIRED
    assert [e.type for e in await events(world.sessionmaker)] == ["invite.expired"]
