"""`/webhook-endpoints`: our extension (IXON has no webhooks), in IXON's envelope and errors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from app.auth.dependencies import CompanyAuth, permission
from app.auth.permissions import Permission
from app.core import envelope
from app.core.envelope import Envelope, ListEnvelope
from app.core.querying import FieldsOnly, ListQuery
from app.core.response_headers import no_store
from app.core.schemas import PublicIdOut, PublicIdPath
from app.db.session import SessionDep
from app.state import SettingsDep
from app.webhooks import presenters
from app.webhooks import service as webhook_service
from app.webhooks.catalogue import EVENTS
from app.webhooks.schemas import (
    WebhookDeliveryOut,
    WebhookEndpointCreate,
    WebhookEndpointCreated,
    WebhookEndpointOut,
    WebhookEndpointUpdate,
    WebhookEventTypeOut,
)

router = APIRouter()
TYPE = "WebhookEndpoint"
ADMIN = permission(Permission.MANAGE_WEBHOOKS)

EndpointIdPath = Annotated[str, Path(alias="parentId", description="The endpoint's publicId.")]
EventIdPath = Annotated[str, Path(alias="publicId", description="The event's publicId.")]


@router.get(
    "/webhook-event-types",
    tags=["WebhookEventTypeList"],
    response_model=ListEnvelope[WebhookEventTypeOut],
    summary="The events an endpoint can subscribe to",
)
async def list_event_types(auth: CompanyAuth) -> JSONResponse:
    items = [{"publicId": name, "description": text} for name, text in EVENTS.items()]
    return envelope.listing("WebhookEventType", items, None)


@router.get(
    "/webhook-endpoints",
    tags=["WebhookEndpointList"],
    response_model=ListEnvelope[WebhookEndpointOut],
    **ADMIN,
)
async def list_endpoints(session: SessionDep, auth: CompanyAuth, params: ListQuery) -> JSONResponse:
    rows, more = await webhook_service.list_endpoints(session, auth, params)
    return envelope.present_page(
        TYPE, rows, more, presenters.endpoint, WebhookEndpointOut, params.fields
    )


@router.post(
    "/webhook-endpoints",
    tags=["WebhookEndpointList"],
    status_code=201,
    response_model=Envelope[WebhookEndpointCreated],
    summary="Add an endpoint; the answer shows its signing secret, once",
    **ADMIN,
)
async def create_endpoint(
    session: SessionDep, auth: CompanyAuth, settings: SettingsDep, body: WebhookEndpointCreate
) -> JSONResponse:
    endpoint, secret = await webhook_service.create_endpoint(session, auth, settings, body)
    return no_store(envelope.created(TYPE, presenters.endpoint(endpoint) | {"secret": secret}))


@router.get(
    "/webhook-endpoints/{publicId}",
    tags=["WebhookEndpoint"],
    response_model=Envelope[WebhookEndpointOut],
    **ADMIN,
)
async def get_endpoint(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath, params: FieldsOnly
) -> JSONResponse:
    endpoint = await webhook_service.get_endpoint(session, auth, public_id)
    return envelope.present_one(
        TYPE, endpoint, presenters.endpoint, WebhookEndpointOut, params.fields
    )


@router.patch(
    "/webhook-endpoints/{publicId}",
    tags=["WebhookEndpoint"],
    response_model=Envelope[None],
    **ADMIN,
)
async def update_endpoint(
    session: SessionDep,
    auth: CompanyAuth,
    settings: SettingsDep,
    public_id: PublicIdPath,
    body: WebhookEndpointUpdate,
) -> JSONResponse:
    await webhook_service.update_endpoint(session, auth, settings, public_id, body)
    return envelope.success(TYPE, None)


@router.delete(
    "/webhook-endpoints/{publicId}",
    tags=["WebhookEndpoint"],
    response_model=Envelope[None],
    **ADMIN,
)
async def delete_endpoint(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath
) -> JSONResponse:
    await webhook_service.delete_endpoint(session, auth, public_id)
    return envelope.success(TYPE, None)


@router.get(
    "/webhook-endpoints/{publicId}/deliveries",
    tags=["WebhookDeliveryList"],
    response_model=ListEnvelope[WebhookDeliveryOut],
    summary="The endpoint's delivery log, oldest first",
    **ADMIN,
)
async def list_deliveries(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath, params: ListQuery
) -> JSONResponse:
    rows, more = await webhook_service.list_deliveries(session, auth, public_id, params)
    return envelope.present_page(
        "WebhookDelivery", rows, more, presenters.delivery, WebhookDeliveryOut, params.fields
    )


@router.post(
    "/webhook-endpoints/{parentId}/events/{publicId}/redeliver",
    tags=["WebhookRedelivery"],
    status_code=201,
    response_model=Envelope[PublicIdOut],
    summary="Send one event to the endpoint again; answers the new delivery's publicId",
    **ADMIN,
)
async def redeliver(
    session: SessionDep, auth: CompanyAuth, endpoint_id: EndpointIdPath, event_id: EventIdPath
) -> JSONResponse:
    delivery = await webhook_service.redeliver(session, auth, endpoint_id, event_id)
    return envelope.created("WebhookDelivery", {"publicId": delivery})
