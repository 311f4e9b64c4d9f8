"""Webhook test helpers: an endpoint subscribed to everything, and the events stored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.webhooks.catalogue import EVENTS
from app.webhooks.models import WebhookEvent
from tests.helpers import Api, CompanyInfo


async def endpoint(
    api: Api, company: CompanyInfo | None = None, events: list[str] | None = None
) -> dict[str, Any]:
    company = company or api.world.a
    response = await api.post(
        "/webhook-endpoints",
        json={"url": "https://hooks.example.com/in", "events": events or list(EVENTS)},
        token=company.admin.token,
        company=company.id,
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def events(maker: async_sessionmaker[AsyncSession]) -> list[WebhookEvent]:
    async with maker() as session:
        return list(await session.scalars(select(WebhookEvent).order_by(WebhookEvent.id)))


async def types(maker: async_sessionmaker[AsyncSession]) -> list[str]:
    return [e.type for e in await events(maker)]
