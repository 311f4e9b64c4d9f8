from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.applications.models import Application
from app.db.base import Base, BigId, IdMixin, TimestampMixin
from app.users.models import User


class AccessToken(IdMixin, TimestampMixin, Base):
    """A bearer token; its 32-character secret is shown once and only its hash is kept."""

    __tablename__ = "access_tokens"

    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_on: Mapped[datetime | None]
    created_ip: Mapped[str | None] = mapped_column(String(255))
    created_user_agent: Mapped[str | None] = mapped_column(Text)
    last_used_on: Mapped[datetime | None]
    scope: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    user: Mapped[User] = relationship(lazy="raise")
    application: Mapped[Application] = relationship(lazy="raise")
