"""Brandings: which white label an `Api-Branding` domain means, for e-mails and pages.

A built-in default answers to `IXON_DEFAULT_BRANDING` (default `portal.ixon.cloud`, the value
IXON documents) and links to `IXON_PUBLIC_URL`, so IXON's documented calls work as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.brandings.models import Branding
from app.config import Settings
from app.core.errors import BadRequest
from app.mail.branding import MailBranding, default_branding

DEFAULT_PRIMARY = "#0B5394"
DEFAULT_PRIMARY_TEXT = "#FFFFFF"


@dataclass(frozen=True, slots=True)
class BrandingView:
    """A branding resolved for one domain: the stored row (None for the built-in default)."""

    fqdn: str
    row: Branding | None

    @property
    def product_name(self) -> str:
        return (self.row.name if self.row else None) or "IXON Cloud"

    def theme(self) -> dict[str, Any]:
        return (self.row.theme if self.row else None) or {}

    @property
    def primary_color(self) -> str:
        return str(self.theme().get("primaryColor") or DEFAULT_PRIMARY)

    @property
    def primary_text_color(self) -> str:
        return str(self.theme().get("primaryTextColor") or DEFAULT_PRIMARY_TEXT)

    @property
    def logo(self) -> str | None:
        return self.row.logo if self.row else None

    def portal_url(self, settings: Settings) -> str:
        """Where this branding's links point (the invitee pages are served there)."""
        return (self.row.portal_url if self.row else settings.public_url).rstrip("/")

    def mail(self, settings: Settings) -> MailBranding:
        fallback = default_branding(settings)
        row = self.row
        return MailBranding(
            product_name=self.product_name,
            portal_url=self.portal_url(settings),
            sender_address=(row.sender_address if row else None) or fallback.sender_address,
            sender_name=(row.sender_name if row else None) or self.product_name,
            logo_url=self.logo,
            primary_color=_colour(self.primary_color, DEFAULT_PRIMARY),
            primary_text_color=_colour(self.primary_text_color, DEFAULT_PRIMARY_TEXT),
        )


def _colour(value: str, fallback: str) -> str:
    value = value if value.startswith("#") else f"#{value}"
    return value if len(value) in (4, 7) else fallback


async def resolve(
    session: AsyncSession, settings: Settings, fqdn: str | None, property_name: str = "Api-Branding"
) -> BrandingView:
    """The branding of ``fqdn`` (the `Api-Branding` value); the default when none was sent."""
    domain = (fqdn or settings.default_branding).strip().lower()
    row = (await session.scalars(select(Branding).where(Branding.fqdn == domain))).first()
    if row is not None:
        return BrandingView(domain, row)
    if domain == settings.default_branding.lower() or settings.default_branding_serves_all:
        return BrandingView(domain, None)
    raise BadRequest(f"No branding is configured for {domain}", property_name)


async def list_all(session: AsyncSession) -> list[Branding]:
    return list(await session.scalars(select(Branding).order_by(Branding.id)))


async def add(session: AsyncSession, **values: Any) -> Branding:
    branding = Branding(**values)
    session.add(branding)
    await session.flush()
    return branding
