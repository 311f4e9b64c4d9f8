from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, BigId, TimestampMixin


class OtpAuth(TimestampMixin, Base):
    """A user's TOTP second factor: pending until a first code is verified, then active.

    The secret is stored encrypted (TOTP needs it in plain text to compute codes, so a hash
    would not do); ``last_used_step`` is the 30-second step of the last accepted code, so a
    code is never accepted twice.
    """

    __tablename__ = "otp_auths"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    secret_encrypted: Mapped[str] = mapped_column(String(255))
    device_name: Mapped[str | None] = mapped_column(String(255))
    verified_on: Mapped[datetime | None]
    last_used_step: Mapped[int | None] = mapped_column(BigInteger)
