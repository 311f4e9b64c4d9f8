from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, IdMixin, TimestampMixin


class ActionToken(IdMixin, TimestampMixin, Base):
    """The secret of an e-mail link (invite, registration, password reset, e-mail change):
    random, single use, expiring; only its hash is stored."""

    __tablename__ = "action_tokens"
    __table_args__ = (Index("ix_action_tokens_kind_reference", "kind", "reference"),)

    kind: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The publicId of what the link acts on (an invite, a registration, a user, ...).
    reference: Mapped[str] = mapped_column(String(64))
    expires_on: Mapped[datetime]
    used_on: Mapped[datetime | None]
