from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.ids import company_id
from app.db.base import Base, BigId, TimestampMixin

PENDING, FINISHED, CANCELLED = "pending", "finished", "cancelled"


class Registration(TimestampMixin, Base):
    """A self-registration waiting for its e-mail to be confirmed. Its publicId is the id the
    company will get (IXON gives it the company format)."""

    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=company_id)
    company_name: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    email_address: Mapped[str] = mapped_column(String(254))
    email_normalized: Mapped[str] = mapped_column(String(254), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(2), default="en")
    localisation: Mapped[str | None] = mapped_column(String(10))
    time_zone: Mapped[str | None] = mapped_column(String(255))
    branding: Mapped[str] = mapped_column(String(253))
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    expires_on: Mapped[datetime]
