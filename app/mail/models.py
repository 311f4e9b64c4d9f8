"""The outbox: every e-mail is a row written in the transaction that caused it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import utcnow
from app.db.base import Base, IdMixin, TimestampMixin


class OutboxStatus(StrEnum):
    QUEUED = "queued"  # waiting for its (next) attempt; `attempts` > 0 after a failure
    SENT = "sent"
    DEAD = "dead"  # given up after `outbox_max_attempts`, or refused for good
    CANCELLED = "cancelled"  # replaced by a newer message of its reference before it left


BODY_ONLY_WHILE_QUEUED = (
    "(status = 'queued' AND html IS NOT NULL AND text IS NOT NULL)"
    " OR (status <> 'queued' AND html IS NULL AND text IS NULL)"
)


class OutboxMessage(IdMixin, TimestampMixin, Base):
    """A rendered e-mail; a worker claims it with a lease, sends it, records the outcome.

    Only a queued message has its body: e-mails carry live links (password resets, invites),
    so once a message is sent, given up or cancelled its html and text are dropped and the
    metadata stays. The database holds that rule (the `body` check)."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        # The worker's claim: due queued rows, oldest first.
        Index("ix_outbox_messages_due", "status", "next_attempt_on"),
        # A domain's "what became of my e-mail": the newest row of a reference.
        Index("ix_outbox_messages_reference", "reference", "id"),
        CheckConstraint("status IN ('queued', 'sent', 'dead', 'cancelled')", name="status"),
        CheckConstraint(BODY_ONLY_WHILE_QUEUED, name="body"),
    )

    # "mail", or "webhook": a delivery of app/webhooks (its own row holds what to send; the
    # recipient is then the endpoint's publicId and the body is empty).
    channel: Mapped[str] = mapped_column(String(16), default="mail", server_default="mail")
    kind: Mapped[str] = mapped_column(String(64))
    reference: Mapped[str | None] = mapped_column(String(100))
    recipient: Mapped[str] = mapped_column(String(254))
    sender_address: Mapped[str] = mapped_column(String(254))
    sender_name: Mapped[str] = mapped_column(String(255))
    reply_to: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(998))
    html: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_on: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_on: Mapped[datetime | None]
