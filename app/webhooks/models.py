"""Webhooks: a company's endpoints, the events announced to them, and each delivery's log.

An event is stored once; each endpoint subscribed to it gets a delivery, whose attempts go
through the outbox (one queue, one worker kind: the outbox row is the delivery's place in the
queue, this row is what the API shows of it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.db.base import Base, BigId, IdMixin, TimestampMixin

QUEUED, DELIVERED, FAILED, CANCELLED = "queued", "delivered", "failed", "cancelled"


class WebhookEndpoint(IdMixin, TimestampMixin, Base):
    """Where a company's events go. The signing secret is stored encrypted: an HMAC needs the
    secret itself, so a hash would not do; it is shown once, at creation."""

    __tablename__ = "webhook_endpoints"

    company_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str | None] = mapped_column(String(255))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(255))
    secret_encrypted: Mapped[str] = mapped_column(String(255))


class WebhookEvent(IdMixin, Base):
    """One announcement (``webhook-id`` is ``msg_`` + its publicId), written in the transaction
    of the change it announces; stored only when some endpoint was subscribed to it."""

    __tablename__ = "webhook_events"
    __table_args__ = (Index("ix_webhook_events_company_id", "company_id", "id"),)

    company_id: Mapped[int] = mapped_column(BigId, ForeignKey("companies.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_on: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(IdMixin, TimestampMixin, Base):
    """One event to one endpoint: its state and the outcome of its last attempt."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # The delivery log of an endpoint, and the "is an older one still waiting" check.
        Index("ix_webhook_deliveries_endpoint_id", "endpoint_id", "id"),
        CheckConstraint("status IN ('queued', 'delivered', 'failed', 'cancelled')", name="status"),
    )

    # Denormalised: the tenant of a row at hand (the audit log's company of a redelivery).
    company_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    endpoint_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("webhook_endpoints.id", ondelete="CASCADE")
    )
    event_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("webhook_events.id", ondelete="CASCADE"), index=True
    )
    outbox_message_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("outbox_messages.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    response_code: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_attempt_on: Mapped[datetime | None]
    delivered_on: Mapped[datetime | None]

    event: Mapped[WebhookEvent] = relationship(lazy="raise")
