"""Deliveries through the outbox worker to a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from standardwebhooks import Webhook

from app.config import Settings
from app.core.clock import utcnow
from app.invites.models import Invite
from app.mail.backends.memory import MemorySender
from app.mail.errors import PermanentMailError
from app.mail.models import OutboxMessage
from app.mail.worker import OutboxWorker
from app.otp_auth import crypto
from app.webhooks.models import WebhookDelivery, WebhookEndpoint
from app.webhooks.service import new_secret
from tests.mail.helpers import BrokenSender, enqueue_committed, make_due
from tests.webhooks.conftest import Tenant
from tests.webhooks.receiver import Receiver, free_port

Maker = async_sessionmaker[AsyncSession]


async def _endpoint(maker: Maker, tenant: Tenant, url: str) -> tuple[WebhookEndpoint, str]:
    secret = new_secret()
    async with maker() as session:
        endpoint = WebhookEndpoint(
            company_id=tenant.company.id,
            url=url,
            events=["invite.created"],
            secret_encrypted=crypto.encrypt(secret, crypto.WEBHOOK),
        )
        session.add(endpoint)
        await session.commit()
    return endpoint, secret


async def _invite(maker: Maker, tenant: Tenant, email: str, *, commit: bool = True) -> None:
    """An audited write: announced as `invite.created`."""
    async with maker() as session:
        session.add(
            Invite(
                company_id=tenant.company.id,
                email_address=email,
                email_normalized=email,
                branding="portal.ixon.cloud",
                expires_on=utcnow() + timedelta(days=1),
            )
        )
        if commit:
            await session.commit()
        else:
            await session.flush()
            await session.rollback()


async def _deliveries(maker: Maker, endpoint: WebhookEndpoint) -> list[WebhookDelivery]:
    async with maker() as session:
        stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
        return list(await session.scalars(stmt.order_by(WebhookDelivery.id)))


def _worker(maker: Maker, settings: Settings) -> OutboxWorker:
    return OutboxWorker(maker, MemorySender(), settings)


async def test_delivered_signed_and_verifiable(
    committed: Maker, tenant: Tenant, hook_settings: Settings, receiver: Receiver
) -> None:
    endpoint, secret = await _endpoint(committed, tenant, receiver.url)
    await _invite(committed, tenant, "first@example.com")
    assert await _worker(committed, hook_settings).drain() == 1
    (got,) = receiver.received
    payload = Webhook(secret).verify(got.body, got.headers)
    assert payload["type"] == "invite.created"
    assert payload["data"]["invite"]["emailAddress"] == "first@example.com"
    assert payload["data"]["company"] == {"publicId": tenant.company.public_id}
    assert got.headers["webhook-id"] == f"msg_{payload['id']}"
    assert got.headers["content-type"] == "application/json"
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(new_secret()).verify(got.body, got.headers)
    (delivery,) = await _deliveries(committed, endpoint)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 204)
    assert delivery.latency_ms is not None and delivery.delivered_on is not None
    async with committed() as session:
        row = await session.get(OutboxMessage, delivery.outbox_message_id)
        assert row is not None and (row.channel, row.status) == ("webhook", "sent")


async def test_a_rolled_back_change_sends_nothing(
    committed: Maker, tenant: Tenant, hook_settings: Settings, receiver: Receiver
) -> None:
    endpoint, _ = await _endpoint(committed, tenant, receiver.url)
    await _invite(committed, tenant, "never@example.com", commit=False)
    assert await _worker(committed, hook_settings).drain() == 0
    assert receiver.received == [] and await _deliveries(committed, endpoint) == []


async def test_receiver_down_then_up_gets_everything_in_order(
    committed: Maker, tenant: Tenant, hook_settings: Settings
) -> None:
    receiver = Receiver(port=free_port())
    endpoint, secret = await _endpoint(committed, tenant, receiver.url)
    for i in range(4):
        await _invite(committed, tenant, f"person{i}@example.com")
    worker = _worker(committed, hook_settings)
    assert await worker.run_once() == 4  # the first fails, the others wait behind it
    first, *rest = await _deliveries(committed, endpoint)
    assert first.attempts == 1 and "ConnectError" in (first.last_error or "")
    assert [d.attempts for d in rest] == [0, 0, 0]
    await receiver.start()
    try:
        for _ in range(20):
            await make_due(committed)
            await worker.drain()
            if len(receiver.received) >= 4:
                break
    finally:
        await receiver.stop()
    emails = [
        Webhook(secret).verify(r.body, r.headers)["data"]["invite"]["emailAddress"]
        for r in receiver.received
    ]
    assert emails == [f"person{i}@example.com" for i in range(4)]
    assert {d.status for d in await _deliveries(committed, endpoint)} == {"delivered"}


async def test_an_error_answer_is_retried_and_logged(
    committed: Maker, tenant: Tenant, hook_settings: Settings, receiver: Receiver
) -> None:
    receiver.status = 500
    endpoint, _ = await _endpoint(committed, tenant, receiver.url)
    await _invite(committed, tenant, "retry@example.com")
    worker = _worker(committed, hook_settings)
    await worker.run_once()
    (delivery,) = await _deliveries(committed, endpoint)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("queued", 1, 500)
    assert (delivery.last_error or "").startswith("HTTP 500: receiver says hello")
    assert len(delivery.last_error or "") <= 2000
    receiver.status = 200
    await make_due(committed)
    await worker.drain()
    (delivery,) = await _deliveries(committed, endpoint)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 2, 200)
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1  # one event, twice


async def test_a_redirect_is_not_followed(
    committed: Maker, tenant: Tenant, hook_settings: Settings, receiver: Receiver
) -> None:
    receiver.status, receiver.location = 307, "http://169.254.169.254/latest/meta-data"
    endpoint, _ = await _endpoint(committed, tenant, receiver.url)
    await _invite(committed, tenant, "redirected@example.com")
    await _worker(committed, hook_settings).run_once()
    (delivery,) = await _deliveries(committed, endpoint)
    assert (delivery.status, delivery.response_code) == ("queued", 307)
    assert len(receiver.received) == 1


async def test_a_slow_receiver_times_out(
    committed: Maker, tenant: Tenant, hook_settings: Settings, receiver: Receiver
) -> None:
    receiver.delay = 3
    settings = hook_settings.model_copy(update={"webhook_timeout": 0.5})
    endpoint, _ = await _endpoint(committed, tenant, receiver.url)
    await _invite(committed, tenant, "slow@example.com")
    started = asyncio.get_running_loop().time()
    await _worker(committed, settings).run_once()
    assert asyncio.get_running_loop().time() - started < 2.5
    (delivery,) = await _deliveries(committed, endpoint)
    assert delivery.status == "queued" and delivery.attempts == 1
    assert "Timeout" in (delivery.last_error or "") and (delivery.latency_ms or 0) >= 400


async def test_private_targets_are_refused_without_the_allow_list(
    committed: Maker, tenant: Tenant, hook_settings: Settings, receiver: Receiver
) -> None:
    settings = hook_settings.model_copy(update={"webhook_allowed_networks": ""})
    endpoint, _ = await _endpoint(committed, tenant, receiver.url)
    await _invite(committed, tenant, "ssrf@example.com")
    await _worker(committed, settings).drain()
    assert receiver.received == []
    (delivery,) = await _deliveries(committed, endpoint)
    assert "refused: 127.0.0.1 is a private" in (delivery.last_error or "")


async def test_given_up_disables_the_endpoint_and_tells_the_admins(
    committed: Maker, tenant: Tenant, hook_settings: Settings, receiver: Receiver
) -> None:
    receiver.status = 503
    settings = hook_settings.model_copy(update={"webhook_give_up_seconds": 0.001})
    endpoint, _ = await _endpoint(committed, tenant, receiver.url)
    await _invite(committed, tenant, "doomed@example.com")
    await _invite(committed, tenant, "also-doomed@example.com")
    sender = MemorySender()
    worker = OutboxWorker(committed, sender, settings)
    await worker.drain()
    await make_due(committed)
    await worker.drain()
    first, second = await _deliveries(committed, endpoint)
    assert (first.status, first.response_code) == ("failed", 503)
    assert second.status == "cancelled" and len(receiver.received) == 1
    async with committed() as session:
        stored = await session.get(WebhookEndpoint, endpoint.id)
        assert stored is not None and stored.enabled is False
        assert "HTTP 503" in (stored.disabled_reason or "")
    (notice,) = [m for m in sender.outbox if m.to == tenant.admin.email_address]
    assert "disabled" in notice.subject and receiver.url in notice.text


async def test_two_workers_never_deliver_one_event_twice(
    committed: Maker, tenant: Tenant, hook_settings: Settings, receiver: Receiver
) -> None:
    receiver.delay = 0.05
    await _endpoint(committed, tenant, receiver.url)
    for i in range(6):
        await _invite(committed, tenant, f"race{i}@example.com")
    workers = [_worker(committed, hook_settings) for _ in range(2)]
    for _ in range(30):
        await asyncio.gather(*(w.run_once() for w in workers))
        if len(receiver.received) >= 6:
            break
        await make_due(committed)
    ids = receiver.ids()
    assert len(ids) == len(set(ids)) == 6
    emails = [json.loads(r.body)["data"]["invite"]["emailAddress"] for r in receiver.received]
    assert emails == [f"race{i}@example.com" for i in range(6)]


async def test_an_invite_email_given_up_is_announced_with_the_smtp_error(
    committed: Maker, tenant: Tenant, hook_settings: Settings, receiver: Receiver
) -> None:
    endpoint, secret = await _endpoint(committed, tenant, receiver.url)
    async with committed() as session:
        stored = await session.get(WebhookEndpoint, endpoint.id)
        assert stored is not None
        stored.events = ["invite.delivery_failed"]
        await session.commit()
    await _invite(committed, tenant, "bounces@example.com")
    async with committed() as session:
        invite_id = await session.scalar(
            select(Invite.public_id).where(Invite.company_id == tenant.company.id)
        )
    await enqueue_committed(committed, reference=f"invite:{invite_id}")
    error = PermanentMailError("550 5.1.1 mailbox unavailable")
    await OutboxWorker(committed, BrokenSender(error), hook_settings).drain()
    (got,) = receiver.received
    payload = Webhook(secret).verify(got.body, got.headers)
    assert payload["type"] == "invite.delivery_failed"
    assert payload["data"]["invite"]["publicId"] == invite_id
    assert "550 5.1.1 mailbox unavailable" in payload["data"]["error"]
