"""Signed-in visits of the account portal. A session is an access token of the portal's own
application: the browser holds its secret in an HttpOnly cookie, the server only its hash.

So a session works on every API process (nothing lives in process memory), is checked on every
request by the API's own one-query authentication, and ends when its token goes: sign-out, a
password change or reset that signs out everywhere, `DELETE /access-tokens`, or its expiry.
The cookie is SameSite=Lax (a link from an e-mail arrives signed in; no other site can post
with it: every form also carries a CSRF token bound to the session) and Secure when the public
URL is https.

The company the pages act in is a second cookie, only a preference: membership is checked on
every request, and when it names none of the user's companies their first one is taken.

A role with `enforce2fa` in the current company locks the company (the API's authentication
refuses it) until two-factor authentication is on: the visit is then `locked`, and every page
but the two-factor page and sign-out sends the browser there (`TwoFactorRequired`).

Signed-in pages speak the account's language (`reader`), dates in its locale and time zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.access_tokens.models import AccessToken
from app.access_tokens.service import Client
from app.applications import service as application_service
from app.applications.models import Application
from app.audit import context as audit_context
from app.auth import service as auth_service
from app.auth.context import AuthContext
from app.auth.permissions import Permission
from app.brandings.service import BrandingView
from app.companies import service as company_service
from app.companies.models import Company
from app.core.errors import AppError, Forbidden, NotFound
from app.core.querying import ListParams, Page
from app.db.session import SessionDep
from app.i18n.audience import Audience
from app.i18n.negotiation import accepted, choose
from app.portal.common import branding_for, page, settings_of
from app.users.models import User

SESSION_COOKIE = "ixon_portal_session"
COMPANY_COOKIE = "ixon_portal_company"
JOINED_COOKIE = "ixon_portal_user"  # who joined in this browser (app/portal/invites.py)
COOKIE_PATH = "/portal"
PORTAL_KEY, PORTAL_NAME = "portal", "Account portal"
ACCOUNT = "/portal/account/"
TWO_FACTOR = "/portal/account/two-factor"
# Where a sign-in may lead back to: a page of the account portal, nothing else.
_NEXT_RE = re.compile(r"^/portal/account/[A-Za-z0-9/_-]*$")
# The pages of the signed-in menu, in order; a route that does not exist (yet) is left out.
NAVIGATION = (
    "portal_companies",
    "portal_invitations",
    "portal_profile",
    "portal_password",
    "portal_two_factor",
    "portal_users",
)


class SignInRequired(Exception):
    """No valid session: the browser is sent to the sign-in page (app/portal/errors.py)."""


class TwoFactorRequired(SignInRequired):
    """Signed in, but only to set up two-factor authentication: sent to its page."""


class _Locked(Exception):
    def __init__(self, company_id: str) -> None:
        super().__init__(company_id)
        self.company_id = company_id


# The pages a locked visit may use (route names): the two-factor page's and sign-out.
UNLOCKED = ("portal_two_factor", "portal_account_sign_out")


def safe_next(value: str | None) -> str | None:
    return value if value and _NEXT_RE.match(value) else None


def see_other(url: str) -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or settings_of(request).public_url.startswith("https:")


def _set(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )


def start(request: Request, response: Response, secret: str) -> None:
    """The browser holds the new session (the token's secret) from this response on."""
    _set(request, response, SESSION_COOKIE, secret, settings_of(request).portal_session_ttl)


def choose_company(request: Request, response: Response, company_id: str) -> None:
    _set(request, response, COMPANY_COOKIE, company_id, 400 * 24 * 3600)


def forget_company(response: Response) -> None:
    response.delete_cookie(COMPANY_COOKIE, path=COOKIE_PATH)


def forget(response: Response) -> None:
    for name in (SESSION_COOKIE, COMPANY_COOKIE, JOINED_COOKIE):
        response.delete_cookie(name, path=COOKIE_PATH)


def sign_in_redirect(request: Request) -> RedirectResponse:
    """To the sign-in page, back here afterwards (for a page, not a form's action)."""
    target = "/portal/"
    wanted = safe_next(request.url.path) if request.method == "GET" else None
    if wanted:
        target += f"?next={quote(wanted, safe='/')}"
    if request.cookies.get(SESSION_COOKIE):
        target += ("&" if wanted else "?") + "done=session-ended"
    response = see_other(target)
    forget(response)
    return response


def client_of(request: Request) -> Client:
    """Recorded on the session's token (`GET /access-tokens` shows where each one began)."""
    return Client(
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )


async def portal_application(session: AsyncSession) -> Application:
    return await application_service.system_application(session, PORTAL_KEY, PORTAL_NAME)


def reader(request: Request, user: User, company: Company | None) -> Audience:
    """The account's language; else (one we have no catalogue for) the browser's; else the
    current company's `defaultUserInviteLanguage`; else English. The account's locale and
    time zone write the dates."""
    browser = accepted(request.headers.get("accept-language"))
    fallback = company.default_user_invite_language if company is not None else None
    language = choose(user.language, *browser, fallback)
    return Audience(language, user.localisation, user.time_zone)


@dataclass(slots=True)
class Visit:
    """A signed-in request: who, in which company (None: in none yet), in which branding."""

    request: Request
    session: AsyncSession
    auth: AuthContext
    branding: BrandingView
    locked: Company | None = None  # its roles require 2FA, which is off (`auth.company` None)

    @property
    def user(self) -> User:
        return self.auth.user

    @property
    def token(self) -> AccessToken:
        return self.auth.token

    @property
    def company(self) -> Company | None:
        return self.auth.company

    @property
    def audience(self) -> Audience:
        return reader(self.request, self.user, self.company)

    @property
    def binding(self) -> str:
        """What this session's CSRF tokens are bound to (app/portal/common.py)."""
        return f"session:{self.auth.token.public_id}"

    def may(self, permission: Permission) -> bool:
        return self.auth.company is not None and self.auth.has(permission)

    def navigation(self) -> list[str]:
        from app.portal.router import has_page  # the router imports this module

        if self.locked is not None:
            return ["portal_two_factor"]
        shown = [name for name in NAVIGATION if has_page(name)]
        return [n for n in shown if n != "portal_users" or self.may(Permission.VIEW_USERS)]

    def page(self, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
        return page(
            self.request,
            template,
            self.branding,
            status_code=status_code,
            link=self.binding,
            audience=self.audience,
            me=self.user,
            company=self.company,
            navigation=self.navigation(),
            notice=self.request.query_params.get("done", ""),
            **context,
        )


async def _authenticate(
    session: AsyncSession, secret: str, application_id: str, company_id: str | None
) -> AuthContext:
    try:
        return await auth_service.authenticate(session, secret, application_id, company_id)
    except NotFound:
        raise
    except Forbidden as exc:
        if company_id is not None and exc.items[0].message == auth_service.SECOND_FACTOR_REQUIRED:
            raise _Locked(company_id) from None
        raise SignInRequired from None
    except AppError:  # unknown, expired or revoked token; the portal application disabled
        raise SignInRequired from None


async def _in_first_company(session: AsyncSession, secret: str, application_id: str) -> AuthContext:
    auth = await _authenticate(session, secret, application_id, None)
    first, _ = await company_service.list_mine(session, auth, ListParams(page=Page(size=1)))
    if not first:
        return auth
    return await _authenticate(session, secret, application_id, first[0].public_id)


async def _in_company(
    session: AsyncSession, secret: str, application_id: str, request: Request
) -> AuthContext:
    wanted = request.cookies.get(COMPANY_COOKIE)
    if wanted:
        try:
            return await _authenticate(session, secret, application_id, wanted)
        except NotFound:  # no longer one of theirs
            pass
    return await _in_first_company(session, secret, application_id)


async def open_visit(request: Request, session: AsyncSession) -> Visit:
    """The signed-in visit of this request, in the chosen company; `SignInRequired` else."""
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        raise SignInRequired
    application = await application_service.by_system_key(session, PORTAL_KEY)
    if application is None:
        raise SignInRequired
    locked = None
    try:
        auth = await _in_company(session, secret, application.public_id, request)
    except _Locked as exc:
        auth = await _authenticate(session, secret, application.public_id, None)
        locked = await session.scalar(select(Company).where(Company.public_id == exc.company_id))
    audit_context.identify(session, auth)  # the portal's writes are this person's
    branding = await branding_for(session, request, request.url.hostname)
    visit = Visit(request, session, auth, branding, locked)
    # The reader of this request's problem page too, should one be needed (app/portal/errors.py).
    request.state.portal_audience = visit.audience
    return visit


async def visit_if_signed_in(request: Request, session: AsyncSession) -> Visit | None:
    """For pages that anyone may see (the sign-in page sends the signed-in on)."""
    try:
        return await open_visit(request, session)
    except SignInRequired:
        return None


async def signed_in(request: Request, session: SessionDep) -> Visit:
    visit = await open_visit(request, session)
    route = getattr(request.scope.get("route"), "name", "")
    if visit.locked is not None and not str(route).startswith(UNLOCKED):
        raise TwoFactorRequired
    return visit


SignedIn = Annotated[Visit, Depends(signed_in)]
