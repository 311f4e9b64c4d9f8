"""Putting deliveries in the outbox, on the caller's connection (so in its transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session

from app.core.clock import utcnow
from app.core.ids import public_id
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.outbox import wake_after_commit
from app.webhooks.models import QUEUED, WebhookDelivery

CHANNEL = "webhook"


def reference(delivery_public_id: str) -> str:
    return f"webhook:{delivery_public_id}"


@dataclass(frozen=True, slots=True)
class Planned:
    company_id: int
    endpoint_id: int
    endpoint_public_id: str
    event_id: int
    event_type: str


def _outbox_values(delivery_id: str, plan: Planned) -> dict[str, object]:
    return {
        "channel": CHANNEL,
        "kind": plan.event_type,
        "reference": reference(delivery_id),
        "recipient": plan.endpoint_public_id,
        "sender_address": "",
        "sender_name": "",
        "subject": plan.event_type,
        # What to send is in the delivery's event; the `body` check wants text here.
        "html": "",
        "text": "",
        "status": OutboxStatus.QUEUED,
        "attempts": 0,
        "next_attempt_on": utcnow(),
    }


def outbox_row(connection: Connection, delivery_id: str, plan: Planned) -> int:
    """The delivery's place in the outbox queue (its id)."""
    stmt = insert(OutboxMessage).values(_outbox_values(delivery_id, plan))
    return int(connection.execute(stmt.returning(OutboxMessage.id)).scalar_one())


def enqueue(session: Session, connection: Connection, planned: Sequence[Planned]) -> list[str]:
    """One outbox row and one delivery row per (endpoint, event), in two statements however
    many there are; the deliveries' publicIds. Not audited: an announcement of a change the
    log records itself. The outbox rows' ids follow ``planned``: the order they are sent in."""
    if not planned:
        return []
    now = utcnow()
    ids = [public_id() for _ in planned]
    outbox_ids = (
        connection.execute(
            insert(OutboxMessage).returning(OutboxMessage.id, sort_by_parameter_order=True),
            [
                _outbox_values(d, plan) | {"next_attempt_on": now}
                for d, plan in zip(ids, planned, strict=True)
            ],
        )
        .scalars()
        .all()
    )
    connection.execute(
        insert(WebhookDelivery),
        [
            {
                "public_id": delivery_id,
                "company_id": plan.company_id,
                "endpoint_id": plan.endpoint_id,
                "event_id": plan.event_id,
                "outbox_message_id": outbox_id,
                "status": QUEUED,
                "attempts": 0,
                "created_on": now,
            }
            for delivery_id, plan, outbox_id in zip(ids, planned, outbox_ids, strict=True)
        ],
    )
    wake_after_commit(session)
    return ids
