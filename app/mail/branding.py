"""How e-mail looks and who it is from; the brandings domain builds one per `Api-Branding`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parseaddr

from app.config import Settings

_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def _checked_url(name: str, value: str) -> str:
    if not value.lower().startswith(("https://", "http://")) or any(c.isspace() for c in value):
        raise ValueError(f"branding {name} must be an http(s) URL without spaces")
    return value


@dataclass(frozen=True, slots=True)
class MailBranding:
    """Values land in style attributes and links, so they are checked here, not escaped later."""

    product_name: str
    portal_url: str
    sender_address: str
    sender_name: str = ""
    logo_url: str | None = None
    primary_color: str = "#0B5394"
    primary_text_color: str = "#FFFFFF"

    def __post_init__(self) -> None:
        _checked_url("portal_url", self.portal_url)
        if self.logo_url is not None:
            _checked_url("logo_url", self.logo_url)
        for name in ("primary_color", "primary_text_color"):
            if not _COLOUR.match(getattr(self, name)):
                raise ValueError(f"branding {name} must be a colour like #0B5394")


def default_branding(settings: Settings) -> MailBranding:
    name, address = parseaddr(settings.mail_from)
    return MailBranding(
        product_name="IXON Cloud",
        portal_url=settings.public_url,
        sender_name=name or "IXON Cloud",
        sender_address=address,
    )
