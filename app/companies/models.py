from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.ids import company_id
from app.db.base import Base, BigId, TimestampMixin


class Company(TimestampMixin, Base):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=company_id)
    name: Mapped[str] = mapped_column(String(255))
    country: Mapped[str | None] = mapped_column(String(2))
    default_user_invite_language: Mapped[str] = mapped_column(String(2), default="en")
    app_owner_name: Mapped[str | None] = mapped_column(String(255))
    custom_terms_of_use: Mapped[str] = mapped_column(String(10), default="disabled")
    custom_privacy_statement: Mapped[str] = mapped_column(String(10), default="disabled")
    branding: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    custom: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
