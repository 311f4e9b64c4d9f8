from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, IdMixin, TimestampMixin


class Branding(IdMixin, TimestampMixin, Base):
    """An operator's white label, chosen by the `Api-Branding` domain (its `fqdn`)."""

    __tablename__ = "brandings"

    fqdn: Mapped[str] = mapped_column(String(253), unique=True)
    name: Mapped[str | None] = mapped_column(String(255))
    portal_url: Mapped[str] = mapped_column(String(255))
    # The integrator's own portal, where "Go to {product}" leads; None: our account portal.
    home_url: Mapped[str | None] = mapped_column(String(255))
    sender_name: Mapped[str | None] = mapped_column(String(255))
    sender_address: Mapped[str | None] = mapped_column(String(254))
    theme: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    logo: Mapped[str | None] = mapped_column(String(255))
    logo_dark: Mapped[str | None] = mapped_column(String(255))
    favicon: Mapped[str | None] = mapped_column(String(255))
    apple_touch_icon: Mapped[str | None] = mapped_column(String(255))
    apple_app_store_link: Mapped[str | None] = mapped_column(String(255))
    google_play_store_link: Mapped[str | None] = mapped_column(String(255))
    custom: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
