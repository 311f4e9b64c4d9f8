from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, BigId, IdMixin, TimestampMixin

PENDING, ACCEPTED, DECLINED, REVOKED, EXPIRED = (
    "pending",
    "accepted",
    "declined",
    "revoked",
    "expired",
)


class Invite(IdMixin, TimestampMixin, Base):
    """An invitation of an e-mail address into a company, with the memberships it will grant."""

    __tablename__ = "invites"
    __table_args__ = (
        # One pending invite per address and company, held by the database: two processes
        # racing cannot both create one.
        Index(
            "uq_invites_pending_email",
            "company_id",
            "email_normalized",
            unique=True,
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        # The expiry sweep (app/invites/expiry.py) every minute: only the open invites.
        Index(
            "ix_invites_pending_expires_on",
            "expires_on",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )

    company_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    email_address: Mapped[str] = mapped_column(String(254))
    email_normalized: Mapped[str] = mapped_column(String(254), index=True)
    message: Mapped[str | None] = mapped_column(String(1024))
    language: Mapped[str] = mapped_column(String(2), default="en")
    inviter_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL")
    )
    branding: Mapped[str] = mapped_column(String(253))
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    expires_on: Mapped[datetime]
    sent_count: Mapped[int] = mapped_column(default=0)
    last_sent_on: Mapped[datetime | None]
    finished_on: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL")
    )
