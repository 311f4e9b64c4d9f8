from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import utcnow
from app.db.base import Base, BigId


class IdempotencyKey(Base):
    """An `Idempotency-Key` of one user in one company (the `Api-Company` sent, "" for none):
    the request's hash and, once it has run, its answer (the body encrypted: answers can carry
    secrets). ``status_code`` is NULL while the first request is still running."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        # The lock: of two requests with one key, only one inserts its row.
        UniqueConstraint("user_id", "company", "key"),
        Index("ix_idempotency_keys_expires_on", "expires_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    company: Mapped[str] = mapped_column(String(64), default="")
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(255))
    body_encrypted: Mapped[str | None] = mapped_column(Text)
    created_on: Mapped[datetime] = mapped_column(default=utcnow)
    expires_on: Mapped[datetime]
