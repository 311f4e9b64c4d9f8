from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import utcnow
from app.db.base import Base, BigId, IdMixin

PERSON = "person"
SERVICE_ACCOUNT = "service_account"


def normalize_email(address: str) -> str:
    """The form addresses are compared and made unique in: trimmed, lower case."""
    return address.strip().lower()


class User(IdMixin, Base):
    """One global account (a person or a service account) that may belong to many companies."""

    __tablename__ = "users"

    type: Mapped[str] = mapped_column(String(20), default=PERSON)
    name: Mapped[str] = mapped_column(String(255))
    email_address: Mapped[str | None] = mapped_column(String(254))
    email_normalized: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(2), default="en")
    localisation: Mapped[str | None] = mapped_column(String(10))
    time_zone: Mapped[str | None] = mapped_column(String(255))
    phone_number: Mapped[str | None] = mapped_column(String(16))
    custom: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    support: Mapped[bool] = mapped_column(default=False)
    registered_on: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_on: Mapped[datetime | None]
    registered_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL")
    )
