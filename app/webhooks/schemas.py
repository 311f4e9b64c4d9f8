from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from app.core.schemas import OutModel, Ref, WireModel
from app.webhooks.catalogue import EVENTS

MAX_URL = 2048


def _known_events(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    unknown = [e for e in value if e not in EVENTS]
    if unknown:
        raise PydanticCustomError(
            "webhook_event",
            "unknown event {unknown}; GET /webhook-event-types lists them",
            {"unknown": ", ".join(unknown)},
        )
    return list(dict.fromkeys(value))


class WebhookEndpointCreate(WireModel):
    url: str = Field(min_length=1, max_length=MAX_URL, description="An http(s) URL.")
    events: list[str] = Field(min_length=1, max_length=len(EVENTS))
    description: str | None = Field(None, max_length=255)
    enabled: bool = True

    _events = field_validator("events")(_known_events)


class WebhookEndpointUpdate(WireModel):
    """Only the fields sent change; re-enabling clears ``disabledReason``."""

    url: str | None = Field(None, min_length=1, max_length=MAX_URL)
    events: list[str] | None = Field(None, min_length=1, max_length=len(EVENTS))
    description: str | None = Field(None, max_length=255)
    enabled: bool | None = None

    _events = field_validator("events")(_known_events)

    @field_validator("url", "events", "enabled")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise PydanticCustomError("not_null", "may not be null")
        return value


class WebhookEndpointOut(OutModel):
    default_fields = "publicId,url,events,enabled"

    publicId: str
    url: str
    description: str | None = None
    events: list[str] = []
    enabled: bool = True
    disabledReason: str | None = None
    createdOn: str | None = None


class WebhookEndpointCreated(WebhookEndpointOut):
    secret: str = Field(
        description="The signing secret (`whsec_...`), shown only in this answer.",
    )


class WebhookEventRef(Ref):
    type: str | None = None


class WebhookDeliveryOut(OutModel):
    default_fields = "publicId,event,status,attempts,responseCode,lastAttemptOn"

    publicId: str
    event: WebhookEventRef | None = None
    status: str = Field("queued", description="queued, delivered, failed or cancelled.")
    attempts: int = 0
    responseCode: int | None = None
    latencyMs: int | None = None
    lastError: str | None = None
    lastAttemptOn: str | None = None
    deliveredOn: str | None = None
    createdOn: str | None = None


class WebhookEventTypeOut(OutModel):
    default_fields = "publicId,description"

    publicId: str
    description: str
