from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, BigId, IdMixin, TimestampMixin


class Application(IdMixin, TimestampMixin, Base):
    """An `Api-Application` value. Operators register them; each service account owns one."""

    __tablename__ = "applications"

    name: Mapped[str] = mapped_column(String(255))
    enabled: Mapped[bool] = mapped_column(default=True)
    # Set for a service account's own application: its token works only with this one.
    owner_user_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # Set for the service's own applications (the account portal's sign-ins): one row per key.
    system_key: Mapped[str | None] = mapped_column(String(32), unique=True)
