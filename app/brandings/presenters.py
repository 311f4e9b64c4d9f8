"""Brandings as IXON shows them (plain dicts)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from app.companies.models import Company

if TYPE_CHECKING:
    from app.brandings.service import BrandingView

_COLOUR = re.compile(r"^#?[0-9a-fA-F]{6}$")
COLOURS = (
    "primaryColor",
    "primaryTextColor",
    "accentColor",
    "accentTextColor",
    "headerColor",
    "headerLineColor",
    "menuColor",
    "menuTextColor",
    "pageColor",
    "pageTextColor",
    "cardColor",
    "cardTextColor",
)
# Wire name → column of a stored branding.
LINKS = {
    "appleTouchIcon": "apple_touch_icon",
    "favicon": "favicon",
    "logo": "logo",
    "logoDark": "logo_dark",
    "appleAppStoreLink": "apple_app_store_link",
    "googlePlayStoreLink": "google_play_store_link",
}


def _text(value: Any, limit: int = 255) -> str | None:
    return value if isinstance(value, str) and len(value) <= limit else None


def _valid_theme_value(key: str, value: Any) -> bool:
    if key in COLOURS:
        return isinstance(value, str) and _COLOUR.match(value) is not None
    if key == "logoHasBackgroundColor":
        return isinstance(value, bool)
    return key == "logoOnHeaderColorSpec" and (value is None or _text(value) is not None)


def theme(raw: dict[str, Any] | None, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """IXON's theme: ``raw``'s valid values over ``base`` (or the built-in colours); anything
    that is not a colour where a colour belongs is ignored rather than shown."""
    from app.brandings.service import DEFAULT_PRIMARY, DEFAULT_PRIMARY_TEXT

    out: dict[str, Any] = dict(base) if base else {}
    if not base:
        out.update({name: None for name in COLOURS})
        out.update(
            primaryColor=DEFAULT_PRIMARY,
            primaryTextColor=DEFAULT_PRIMARY_TEXT,
            logoHasBackgroundColor=False,
            logoOnHeaderColorSpec=None,
        )
    for key, value in (raw or {}).items():
        if _valid_theme_value(key, value):
            out[key] = value
    return out


def branding(view: BrandingView) -> dict[str, Any]:
    row = view.row
    return {
        "publicId": view.public_id,
        "name": view.product_name,
        "fqdn": view.fqdn,
        "theme": theme(view.theme()),
        **{wire: getattr(row, column) if row else None for wire, column in LINKS.items()},
        "landingPageComponentTemplate": None,
        "custom": (row.custom if row else None) or {},
    }


def company_branding(company: Company, default: BrandingView) -> dict[str, Any]:
    """The company's own branding over ``default``; its publicId is derived from the
    company's, so it is stable without a row of its own."""
    from app.brandings.service import stable_id

    data = branding(default)
    own = company.branding if isinstance(company.branding, dict) else {}
    data["publicId"] = stable_id(f"company-branding:{company.public_id}")
    if "name" in own and (own["name"] is None or _text(own["name"]) is not None):
        data["name"] = own["name"]
    if isinstance(own.get("theme"), dict):
        data["theme"] = theme(own["theme"], data["theme"])
    for wire in LINKS:
        if wire in own and (own[wire] is None or _text(own[wire]) is not None):
            data[wire] = own[wire]
    if isinstance(own.get("custom"), dict):
        data["custom"] = own["custom"]
    return data


def own_branding(company: Company, default_fqdn: str) -> dict[str, Any] | None:
    """A company's nested ``branding``: null when it has none of its own, else what
    `GET /companies/{publicId}/branding` shows (its values over the default branding's)."""
    if company.branding is None:
        return None
    from app.brandings.service import BrandingView

    return company_branding(company, BrandingView(default_fqdn.lower(), None))
