from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from app.db.repository import Repository
from app.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent


class EndpointRepository(Repository[WebhookEndpoint]):
    model = WebhookEndpoint

    def of_company(self, company_id: int) -> Select[WebhookEndpoint]:
        return select(WebhookEndpoint).where(WebhookEndpoint.company_id == company_id)

    async def get(self, company_id: int, public_id: str) -> WebhookEndpoint | None:
        return await self.by_public_id(public_id, WebhookEndpoint.company_id == company_id)


class DeliveryRepository(Repository[WebhookDelivery]):
    model = WebhookDelivery

    def of_endpoint(self, endpoint_id: int) -> Select[WebhookDelivery]:
        return (
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .options(selectinload(WebhookDelivery.event))
        )

    async def event(self, company_id: int, public_id: str) -> WebhookEvent | None:
        return await self.session.scalar(
            select(WebhookEvent).where(
                WebhookEvent.public_id == public_id, WebhookEvent.company_id == company_id
            )
        )
