"""Brandings: which white label an `Api-Branding` domain means, for e-mails and pages.

A built-in default answers to `IXON_DEFAULT_BRANDING` (default `portal.ixon.cloud`, the value
IXON documents) and links to `IXON_PUBLIC_URL`, so IXON's documented calls work as they are.
Operators add their own with `ixon-api branding add`. Brandings are public: `GET /brandings`
lists them (the built-in default included) and `GET /companies/{publicId}/branding` shows a
company's own branding (set with `PATCH /companies/me`) over the default.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.headers import BRANDING_RE
from app.brandings import presenters
from app.brandings.models import Branding
from app.brandings.repository import BrandingRepository
from app.config import Settings
from app.core.errors import BadRequest, Conflict, not_found
from app.core.ids import ALPHABET
from app.core.querying import Filter, ListParams
from app.mail.branding import MailBranding, default_branding

DEFAULT_PRIMARY = "#0B5394"
DEFAULT_PRIMARY_TEXT = "#FFFFFF"
COLOUR_RE = re.compile(r"^#?[0-9a-fA-F]{6}$")


def stable_id(seed: str) -> str:
    """A 12-character publicId derived from ``seed``: the same in every process and release,
    for objects that have no row (the built-in default branding, a company's branding)."""
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:16], "big")
    chars = []
    for _ in range(12):
        number, digit = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[digit])
    return "".join(chars)


@dataclass(frozen=True, slots=True)
class BrandingView:
    """A branding resolved for one domain: the stored row (None for the built-in default)."""

    fqdn: str
    row: Branding | None

    @property
    def public_id(self) -> str:
        return self.row.public_id if self.row else stable_id(f"branding:{self.fqdn}")

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

    def home_url(self, settings: Settings) -> str:
        """Where "Go to {product}" leads: the integrator's own portal when the branding names
        one, else our account portal (sign-in) where this branding's pages are served."""
        if self.row is not None and self.row.home_url:
            return self.row.home_url
        return f"{self.portal_url(settings)}/portal/"

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
    row = await BrandingRepository(session).by_fqdn(domain)
    if row is not None:
        return BrandingView(domain, row)
    if domain == settings.default_branding.lower() or settings.default_branding_serves_all:
        return BrandingView(domain, None)
    raise BadRequest(f"No branding is configured for {domain}", property_name)


async def list_all(session: AsyncSession) -> list[Branding]:
    return await BrandingRepository(session).all()


async def add(session: AsyncSession, **values: Any) -> Branding:
    return await BrandingRepository(session).add(Branding(**values))


def _url(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if (
        not value.lower().startswith(("https://", "http://"))
        or any(c.isspace() for c in value)
        or len(value) > 255
    ):
        raise BadRequest(f"{what} must be an http(s) URL of at most 255 characters")
    return value


def _checked_colour(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    if not COLOUR_RE.match(value.strip()):
        raise BadRequest(f"{what} must be a colour like #0B5394")
    return "#" + value.strip().lstrip("#").upper()


async def create(
    session: AsyncSession,
    *,
    fqdn: str,
    name: str,
    portal_url: str,
    sender_address: str | None = None,
    sender_name: str | None = None,
    logo: str | None = None,
    primary_color: str | None = None,
    primary_text_color: str | None = None,
    home_url: str | None = None,
) -> Branding:
    """A new white label for ``fqdn``; every value checked, so its e-mails always render."""
    domain = fqdn.strip().lower()
    if len(domain) > 253 or not BRANDING_RE.match(domain) or any(c.isspace() for c in domain):
        raise BadRequest(f"{fqdn!r} is not a domain name such as portal.example.com")
    if not name.strip() or len(name) > 255:
        raise BadRequest("The name must have 1 to 255 characters")
    if sender_address is not None:
        address = parseaddr(sender_address)[1]
        if "@" not in address or address != sender_address.strip() or len(address) > 254:
            raise BadRequest(f"{sender_address!r} is not an e-mail address")
    if sender_name is not None and (
        len(sender_name) > 255 or any(c in sender_name for c in "\r\n")
    ):
        raise BadRequest("The sender name must be one line of at most 255 characters")
    theme = {
        "primaryColor": _checked_colour(primary_color, "The primary colour") or DEFAULT_PRIMARY,
        "primaryTextColor": _checked_colour(primary_text_color, "The primary text colour")
        or DEFAULT_PRIMARY_TEXT,
    }
    url = _url(portal_url, "The portal URL")
    assert url is not None
    repository = BrandingRepository(session)
    if await repository.by_fqdn(domain) is not None:
        raise Conflict(f"A branding for {domain} exists already")
    return await repository.add(
        Branding(
            fqdn=domain,
            name=name.strip(),
            portal_url=url.rstrip("/"),
            sender_address=sender_address.strip() if sender_address else None,
            sender_name=sender_name.strip() if sender_name else None,
            logo=_url(logo, "The logo"),
            home_url=_url(home_url, "The home URL"),
            theme=theme,
        )
    )


async def views(session: AsyncSession, settings: Settings) -> list[BrandingView]:
    """Every branding: the built-in default first (unless a row takes its domain), then rows."""
    rows = await BrandingRepository(session).all()
    default = settings.default_branding.lower()
    found = [BrandingView(r.fqdn, r) for r in rows]
    if not any(r.fqdn == default for r in rows):
        found.insert(0, BrandingView(default, None))
    return found


FILTERABLE = ("publicId", "name", "fqdn")


def _matches(data: dict[str, Any], f: Filter) -> bool:
    """One filter on the presented object (brandings are few, and one has no row)."""
    if f.column not in FILTERABLE:
        raise BadRequest(f"filters: '{f.column}' cannot be filtered on", "filters")
    value = data.get(f.column)
    values = f.values
    if f.op == "isnull":
        return value is None
    if f.op == "isnotnull":
        return value is not None
    if f.op == "in":
        return value in values
    if f.op == "ni":
        return value not in values
    target = values[0]
    if f.op == "eq":
        return value == target
    if f.op == "ne":
        return value != target
    if value is None or target is None:
        return False
    if f.op == "contains":
        return target.lower() in value.lower()
    if f.op == "between":
        high = values[1]
        return high is not None and target <= value <= high
    text = str(value)
    comparisons = {
        "lt": text < target,
        "lte": text <= target,
        "gt": text > target,
        "gte": text >= target,
    }
    return comparisons[f.op]


def _filtered(items: list[dict[str, Any]], params: ListParams) -> list[dict[str, Any]]:
    return [i for i in items if all(_matches(i, f) for f in params.filters)]


async def list_brandings(
    session: AsyncSession, settings: Settings, params: ListParams
) -> tuple[list[dict[str, Any]], str | None]:
    """`GET /brandings`: the built-in default and the operators' brandings, as IXON shows
    them; filtered and paged in memory (an installation has a handful)."""
    items = _filtered([presenters.branding(v) for v in await views(session, settings)], params)
    start = 0
    if params.page.after is not None:
        ids = [i["publicId"] for i in items]
        if params.page.after not in ids:
            raise BadRequest(
                "page-after names no item of this list; start again without it", "page-after"
            )
        start = ids.index(params.page.after) + 1
    page = items[start : start + params.page.size]
    more = start + params.page.size < len(items)
    return page, (page[-1]["publicId"] if more and page else None)


async def company_branding(
    session: AsyncSession, settings: Settings, company_public_id: str, params: ListParams
) -> dict[str, Any]:
    """`GET /companies/{publicId}/branding`: the company's branding (`PATCH /companies/me`)
    over the built-in default. Public, as IXON declares it; an unknown company is 404."""
    company = await BrandingRepository(session).company(company_public_id)
    if company is None:
        raise not_found("Company")
    default = BrandingView(settings.default_branding.lower(), None)
    data = presenters.company_branding(company, default)
    if not _filtered([data], params):
        raise not_found("Branding")
    return data
