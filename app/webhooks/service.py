"""A company's webhook endpoints: administrators only (MANAGE_WEBHOOKS, which COMPANY_ADMIN
implies); another company's endpoint, delivery or event is a 404 like one that does not exist.

- The URL is http(s) and may not point into private, loopback or link-local space (unless the
  operator allows the network, `IXON_WEBHOOK_ALLOWED_NETWORKS`): a 400 on ``url``. A host name
  is checked again, resolved, before every delivery.
- The signing secret is made here and answered once; only its encrypted form is stored.
- Re-enabling an endpoint clears why it was disabled; what was given up is not resent
  (redeliver an event by id for that).
"""

from __future__ import annotations

import base64
import secrets

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.context import AuthContext
from app.config import Settings
from app.core.errors import BadRequest, Conflict, not_found
from app.core.ids import public_id
from app.core.querying import FilterColumn, ListParams
from app.mail.outbox import wake_after_commit
from app.otp_auth import crypto
from app.webhooks import queue
from app.webhooks.models import WebhookDelivery, WebhookEndpoint
from app.webhooks.repository import DeliveryRepository, EndpointRepository
from app.webhooks.schemas import WebhookEndpointCreate, WebhookEndpointUpdate
from app.webhooks.targets import TargetRefused, check_url

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
FILTERS = {
    "publicId": FilterColumn(WebhookEndpoint.public_id),
    "url": FilterColumn(WebhookEndpoint.url),
    "enabled": FilterColumn(WebhookEndpoint.enabled, bool),
}
DELIVERY_FILTERS = {
    "publicId": FilterColumn(WebhookDelivery.public_id),
    "status": FilterColumn(WebhookDelivery.status),
}


def new_secret() -> str:
    """Standard Webhooks' form: ``whsec_`` and base64 of 24 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def signing_secret(endpoint: WebhookEndpoint) -> str | None:
    """None when `IXON_SECRET_KEY` changed since the endpoint was made (rotate it then)."""
    return crypto.decrypt(endpoint.secret_encrypted, crypto.WEBHOOK)


def _check_url(url: str, settings: Settings) -> None:
    try:
        check_url(url, settings.webhook_networks)
    except TargetRefused as exc:
        raise BadRequest(str(exc), "url") from None


async def list_endpoints(
    session: AsyncSession, auth: AuthContext, params: ListParams
) -> tuple[list[WebhookEndpoint], str | None]:
    repository = EndpointRepository(session)
    stmt = repository.of_company(auth.company_or_raise.id).where(*params.where(FILTERS))
    return await repository.page(stmt, params)


async def get_endpoint(session: AsyncSession, auth: AuthContext, public_id: str) -> WebhookEndpoint:
    endpoint = await EndpointRepository(session).get(auth.company_or_raise.id, public_id)
    if endpoint is None:
        raise not_found("Webhook endpoint")
    return endpoint


async def create_endpoint(
    session: AsyncSession, auth: AuthContext, settings: Settings, body: WebhookEndpointCreate
) -> tuple[WebhookEndpoint, str]:
    return await add(session, auth.company_or_raise.id, settings, body)


async def add(
    session: AsyncSession, company_id: int, settings: Settings, body: WebhookEndpointCreate
) -> tuple[WebhookEndpoint, str]:
    """The endpoint and its signing secret (for the API and the command line)."""
    _check_url(body.url, settings)
    secret = new_secret()
    endpoint = WebhookEndpoint(
        company_id=company_id,
        url=body.url,
        description=body.description,
        events=body.events,
        enabled=body.enabled,
        secret_encrypted=crypto.encrypt(secret, crypto.WEBHOOK),
    )
    await EndpointRepository(session).add(endpoint)
    return endpoint, secret


async def update_endpoint(
    session: AsyncSession,
    auth: AuthContext,
    settings: Settings,
    public_id: str,
    body: WebhookEndpointUpdate,
) -> None:
    endpoint = await get_endpoint(session, auth, public_id)
    sent = body.model_fields_set
    if "url" in sent and body.url is not None:
        _check_url(body.url, settings)
        endpoint.url = body.url
    if "events" in sent and body.events is not None:
        endpoint.events = body.events
    if "description" in sent:
        endpoint.description = body.description
    if "enabled" in sent and body.enabled is not None:
        endpoint.enabled = body.enabled
        if body.enabled:
            endpoint.disabled_reason = None
    await session.flush()


async def delete_endpoint(session: AsyncSession, auth: AuthContext, public_id: str) -> None:
    endpoint = await get_endpoint(session, auth, public_id)
    await session.delete(endpoint)
    await session.flush()


async def list_deliveries(
    session: AsyncSession, auth: AuthContext, public_id: str, params: ListParams
) -> tuple[list[WebhookDelivery], str | None]:
    endpoint = await get_endpoint(session, auth, public_id)
    repository = DeliveryRepository(session)
    stmt = repository.of_endpoint(endpoint.id).where(*params.where(DELIVERY_FILTERS))
    return await repository.page(stmt, params)


async def redeliver(
    session: AsyncSession, auth: AuthContext, endpoint_id: str, event_id: str
) -> str:
    """A new delivery of a stored event to this endpoint (the same ``webhook-id``, so the
    receiver can tell it has seen it); the new delivery's publicId."""
    endpoint = await get_endpoint(session, auth, endpoint_id)
    event = await DeliveryRepository(session).event(endpoint.company_id, event_id)
    if event is None:
        raise not_found("Webhook event")
    if not endpoint.enabled:
        raise Conflict("The endpoint is disabled; enable it first", "parentId")
    plan = queue.Planned(endpoint.company_id, endpoint.id, endpoint.public_id, event.id, event.type)
    delivery = WebhookDelivery(
        company_id=endpoint.company_id, endpoint_id=endpoint.id, event_id=event.id
    )
    delivery.public_id = public_id()
    # The outbox row written like any delivery's; this delivery itself through the session,
    # so the audit log records who asked for it.
    delivery.outbox_message_id = await session.run_sync(
        lambda s: queue.outbox_row(s.connection(), delivery.public_id, plan)
    )
    session.add(delivery)
    await session.flush()
    wake_after_commit(session.sync_session)
    return delivery.public_id
