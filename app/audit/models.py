from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, BigId


class AuditEvent(Base):
    """One write, in IXON's AuditLog shape. ``company`` is the company's publicId, not a
    foreign key: a company's log outlives the rows it describes (the company itself too).
    Events about an account outside any company (a log-in before the first invite) have no
    company and are listed by no company's log."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_company_id", "company", "id"),
        Index("ix_audit_events_time", "time"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    company: Mapped[str | None] = mapped_column(String(24))
    action: Mapped[str] = mapped_column(String(8))
    time: Mapped[datetime]
    topic_user: Mapped[str | None] = mapped_column(String(12))
    ip_address: Mapped[str] = mapped_column(String(255), default="")
    actor_type: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[str] = mapped_column(String(24))
    actor_name: Mapped[str] = mapped_column(String(255))
    actor_kind: Mapped[str] = mapped_column(String(255))
    application_name: Mapped[str | None] = mapped_column(String(255))
    target: Mapped[str] = mapped_column(String(255))
    target_id: Mapped[str | None] = mapped_column(String(24))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
