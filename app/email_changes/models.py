from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, BigId, IdMixin, TimestampMixin

PENDING, DONE, CANCELLED = "pending", "done", "cancelled"


class EmailAddressChange(IdMixin, TimestampMixin, Base):
    """A user's request to change their address, done once the new address is confirmed."""

    __tablename__ = "email_address_changes"

    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    old_email_address: Mapped[str] = mapped_column(String(254))
    new_email_address: Mapped[str] = mapped_column(String(254))
    new_email_normalized: Mapped[str] = mapped_column(String(254))
    branding: Mapped[str] = mapped_column(String(253))
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    expires_on: Mapped[datetime]
