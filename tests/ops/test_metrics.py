"""`/metrics`: request counts and latency by route template and status, login failures and the
outbox figures read from the database at scrape time."""

from __future__ import annotations

from datetime import timedelta

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.core.clock import utcnow
from app.mail import outbox
from app.mail.message import MailMessage
from app.mail.models import OutboxMessage, OutboxStatus
from app.main import create_app
from tests.helpers import Api, basic


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def requests(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], **labels: str) -> float:
    key = ("ixon_http_requests_total", tuple(sorted(labels.items())))
    return samples.get(key, 0.0)


async def test_requests_are_counted_by_route_template_never_by_raw_path(api: Api) -> None:
    before = await scrape(api.client)
    assert (await api.get("/roles/abcdefghijkl")).status_code == 404
    assert (await api.get("/api/roles/mnopqrstuvwx")).status_code == 404
    assert (await api.get("/roles")).status_code == 200
    await api.client.get("/no/such/endpoint")
    text = (await api.client.get("/metrics")).text
    after = await scrape(api.client)
    one = {"method": "GET", "route": "/roles/{publicId}", "status": "404"}
    assert requests(after, **one) - requests(before, **one) == 2
    listing = {"method": "GET", "route": "/roles", "status": "200"}
    assert requests(after, **listing) - requests(before, **listing) == 1
    unmatched = {"method": "GET", "route": "<unmatched>", "status": "404"}
    assert requests(after, **unmatched) - requests(before, **unmatched) == 1
    assert "abcdefghijkl" not in text and "/no/such" not in text
    histogram = ("ixon_http_request_duration_seconds_count", tuple(sorted(one.items())))
    assert after[histogram] - before.get(histogram, 0) == 2


async def test_failed_logins_are_counted(api: Api) -> None:
    before = await scrape(api.client)
    for password in ("wrong", "also wrong"):
        refused = await api.post(
            "/access-tokens",
            token=None,
            company=None,
            headers={"Authorization": basic(api.world.a.admin.email, password)},
            json={"expiresIn": 600},
        )
        assert refused.status_code == 401
    accepted = await api.post(
        "/access-tokens",
        token=None,
        company=None,
        headers={"Authorization": basic(api.world.a.admin.email, api.world.a.admin.password)},
        json={"expiresIn": 600},
    )
    assert accepted.status_code == 201
    after = await scrape(api.client)
    key = ("ixon_login_failures_total", ())
    assert after[key] - before[key] == 2


async def _mail(session: AsyncSession, to: str) -> OutboxMessage:
    message = MailMessage(
        to=to,
        subject="Hello",
        html="<p>secret link</p>",
        text="secret link",
        sender_address="no-reply@example.com",
        sender_name="Test",
    )
    return await outbox.enqueue(session, message, kind="test")


async def test_outbox_depth_and_mail_counts_come_from_the_table(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    rows = [await _mail(session, f"person{i}@example.com") for i in range(5)]
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_([r.id for r in rows[:2]]))
        .values(status=OutboxStatus.SENT, html=None, text=None)
    )
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == rows[2].id)
        .values(
            status=OutboxStatus.DEAD, html=None, text=None, created_on=utcnow() - timedelta(hours=1)
        )
    )
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == rows[3].id)
        .values(created_on=utcnow() - timedelta(minutes=10))
    )
    await session.commit()
    samples = await scrape(client)
    assert samples[("ixon_database_up", ())] == 1
    assert samples[("ixon_outbox_depth", ())] == 2
    assert samples[("ixon_mail_sent_total", ())] == 2
    assert samples[("ixon_mail_failed_total", ())] == 1
    assert 590 < samples[("ixon_outbox_oldest_age_seconds", ())] < 900


async def test_an_unreachable_database_is_reported_not_raised() -> None:
    app = create_app(
        Settings(
            database_url="postgresql+asyncpg://postgres@127.0.0.1:9/nowhere",
            outbox_worker=False,
            health_timeout=3,
        )
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            samples = await scrape(client)
    assert samples[("ixon_database_up", ())] == 0
    assert ("ixon_outbox_depth", ()) not in samples


async def test_metrics_can_be_switched_off(database_url: str) -> None:
    app = create_app(Settings(database_url=database_url, metrics_enabled=False))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/metrics")).status_code == 404
