"""What every invitee page shares: templates, branding, language, CSRF protection.

Pages are server-rendered and work without JavaScript. Each is in its reader's language (the
invite's, the account's, ...; else the browser's `Accept-Language`; else English): templates
mark their words with `{{ _("...") }}`, and `page()` renders them with that language's
catalogue (app/i18n). Every state change is a POST carrying a
CSRF token (signed with python-jose, bound to the page's link and to a cookie), so a mail
scanner following a link can never use an invite up.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from sqlalchemy.ext.asyncio import AsyncSession

from app.brandings import service as branding_service
from app.brandings.service import BrandingView
from app.config import Settings
from app.core import security
from app.core.clock import utcnow
from app.core.errors import AppError
from app.i18n import jinja
from app.i18n.audience import Audience
from app.i18n.catalogues import Translator
from app.i18n.negotiation import choose
from app.state import app_settings

TEMPLATE_DIR = Path(__file__).parent / "templates"
# Names every page template may use, registered by the modules that define them
# (app/portal/router.py: portal_path) before the first page is rendered.
PAGE_GLOBALS: dict[str, Any] = {}
CSRF_COOKIE = "ixon_csrf"
CSRF_FIELD = "csrf_token"
CSRF_LIFETIME = timedelta(hours=2)


@lru_cache(maxsize=8)
def templates(language: str) -> Jinja2Templates:
    """The page templates, speaking ``language``."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        extensions=jinja.EXTENSIONS,
    )
    env.globals.update(PAGE_GLOBALS)
    return Jinja2Templates(env=jinja.install(env, language))


def language_for(request: Request, *candidates: str | None) -> str:
    """The first of ``candidates`` we have a catalogue for, else the browser's choice."""
    return choose(*candidates, accept_language=request.headers.get("accept-language"))


def translator(request: Request, *candidates: str | None) -> Translator:
    return Translator(language_for(request, *candidates))


def settings_of(request: Request) -> Settings:
    return app_settings(request)


async def branding_for(session: AsyncSession, request: Request, fqdn: str | None) -> BrandingView:
    """The branding the link was sent with; the default if that one has been removed since."""
    settings = settings_of(request)
    try:
        return await branding_service.resolve(session, settings, fqdn)
    except AppError:  # a page must render even if an operator removed the domain since
        return await branding_service.resolve(session, settings, None)


def _link_id(link: str) -> str:
    return hashlib.sha256(link.encode()).hexdigest()[:32]


def csrf_token(request: Request, link: str) -> tuple[str, str]:
    """(form token, cookie value): the form token is signed and names both the link and the
    browser's cookie, so it is useless on another link or in another browser."""
    cookie = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    token = security.sign(
        {"csrf": _link_id(link), "c": cookie},
        settings_of(request).secret_key,
        utcnow() + CSRF_LIFETIME,
    )
    return token, cookie


def csrf_valid(request: Request, link: str, token: str | None) -> bool:
    claims = security.unsign(token or "", settings_of(request).secret_key)
    cookie = request.cookies.get(CSRF_COOKIE)
    return bool(
        claims
        and cookie
        and claims.get("csrf") == _link_id(link)
        and security.constant_time_equal(str(claims.get("c")), cookie)
    )


def page(
    request: Request,
    template: str,
    branding: BrandingView,
    *,
    status_code: int = 200,
    link: str | None = None,
    audience: Audience | None = None,
    **context: Any,
) -> HTMLResponse:
    """Renders a page in the branding, for ``audience`` (else in the browser's language);
    with ``link`` it carries a CSRF token for its forms."""
    audience = audience or Audience(language_for(request))
    values: dict[str, Any] = {
        "branding": branding,
        "settings": settings_of(request),
        "audience": audience,
        "lang": audience.language,
        **context,
    }
    cookie = None
    if link is not None:
        values["csrf_token"], cookie = csrf_token(request, link)
    response = templates(audience.language).TemplateResponse(
        request, template, values, status_code=status_code
    )
    _harden(response)
    response.headers["Content-Language"] = audience.language
    response.headers["Vary"] = "Accept-Language"
    if cookie is not None:
        response.set_cookie(
            CSRF_COOKIE,
            cookie,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            max_age=7200,
        )
    return response


def _harden(response: Response) -> None:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the link's secret stays in this tab
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self' https: data:; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    )
