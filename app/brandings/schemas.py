"""Wire shapes of brandings (IXON's `Branding`); names are IXON's camelCase."""

from __future__ import annotations

from typing import Any

from app.core.schemas import OutModel


class ThemeOut(OutModel):
    primaryColor: str
    primaryTextColor: str
    accentColor: str | None = None
    accentTextColor: str | None = None
    headerColor: str | None = None
    headerLineColor: str | None = None
    menuColor: str | None = None
    menuTextColor: str | None = None
    pageColor: str | None = None
    pageTextColor: str | None = None
    cardColor: str | None = None
    cardTextColor: str | None = None
    logoHasBackgroundColor: bool = False
    logoOnHeaderColorSpec: str | None = None


class BrandingOut(OutModel):
    default_fields = "publicId,name,fqdn"

    publicId: str
    name: str | None = None
    fqdn: str | None = None
    theme: ThemeOut | None = None
    appleTouchIcon: str | None = None
    favicon: str | None = None
    logo: str | None = None
    logoDark: str | None = None
    appleAppStoreLink: str | None = None
    googlePlayStoreLink: str | None = None
    landingPageComponentTemplate: dict[str, Any] | None = None
    custom: dict[str, Any] = {}
