from __future__ import annotations

from typing import Any

from app.core.clock import iso
from app.webhooks.models import WebhookDelivery, WebhookEndpoint


def endpoint(row: WebhookEndpoint) -> dict[str, Any]:
    return {
        "publicId": row.public_id,
        "url": row.url,
        "description": row.description,
        "events": list(row.events or []),
        "enabled": row.enabled,
        "disabledReason": row.disabled_reason,
        "createdOn": iso(row.created_on),
    }


def delivery(row: WebhookDelivery) -> dict[str, Any]:
    return {
        "publicId": row.public_id,
        "event": {"publicId": row.event.public_id, "type": row.event.type},
        "status": row.status,
        "attempts": row.attempts,
        "responseCode": row.response_code,
        "latencyMs": row.latency_ms,
        "lastError": row.last_error,
        "lastAttemptOn": iso(row.last_attempt_on),
        "deliveredOn": iso(row.delivered_on),
        "createdOn": iso(row.created_on),
    }
