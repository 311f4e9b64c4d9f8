"""The invitation pages the e-mail link opens: `/portal/invites/{secret}`.

The page says who invites whom to what, and how to join in two short steps: with a new
account (name and password) or, when the address has one, with its password. GET only shows;
joining and declining are POSTs from the page with its CSRF token (app/portal/common.py), so a
mail scanner that opens the link changes nothing. Expired, withdrawn, declined, used and
unknown links each get their own page (410 or 404) that says what to do next. Declining asks
for confirmation first, on a page of its own (no JavaScript needed). The pages are in the
invite's language (else the browser's), and name the inviter with their e-mail address.

After joining, a signed cookie (`ixon_portal_user`) remembers who joined in this browser, so
the page can say so when a link for another address is opened next.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.access_tokens import service as token_service
from app.brandings.service import BrandingView
from app.core import security
from app.core.clock import utcnow
from app.core.errors import AppError, BadRequest, TooManyRequests
from app.db.session import SessionDep
from app.i18n.audience import Audience
from app.invites import pages
from app.invites.pages import LinkState
from app.portal import sessions
from app.portal.common import (
    CSRF_FIELD,
    branding_for,
    csrf_valid,
    language_for,
    page,
    settings_of,
)
from app.portal.invite_texts import audience_of as _audience
from app.portal.invite_texts import closed_text as _closed_text
from app.portal.invite_texts import inviter as _inviter
from app.portal.router import router
from app.users.models import User
from app.users.service import MAX_PASSWORD, MIN_PASSWORD

PORTAL_USER_COOKIE = "ixon_portal_user"
PORTAL_USER_LIFETIME = timedelta(days=1)


def _link(secret: str) -> str:
    """What the page's CSRF token is bound to."""
    return f"/portal/invites/{secret}"


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _signed_in(request: Request) -> str | None:
    claims = security.unsign(
        request.cookies.get(PORTAL_USER_COOKIE, ""), settings_of(request).secret_key
    )
    user = claims.get("portal_user") if claims else None
    return str(user) if user else None


def _remember(request: Request, response: Response, user: User) -> None:
    value = security.sign(
        {"portal_user": user.public_id},
        settings_of(request).secret_key,
        utcnow() + PORTAL_USER_LIFETIME,
    )
    response.set_cookie(
        PORTAL_USER_COOKIE,
        value,
        max_age=int(PORTAL_USER_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/portal",
    )


def _message(
    request: Request,
    branding: BrandingView,
    heading: str,
    lines: list[str],
    *,
    audience: Audience,
    status_code: int = 200,
    action_url: str | None = None,
    action_label: str | None = None,
) -> HTMLResponse:
    return page(
        request,
        "message.html",
        branding,
        audience=audience,
        status_code=status_code,
        heading=heading,
        lines=lines,
        action_url=action_url,
        action_label=action_label,
    )


def _closed(request: Request, branding: BrandingView, state: LinkState) -> HTMLResponse:
    """The page of a link that cannot be used (any more), with what to do next."""
    audience = _audience(request, state)
    _ = audience.translate
    heading, lines, status_code = _closed_text(state, branding.product_name, _)
    if state.state == "accepted":
        portal = branding.home_url(settings_of(request))
        label = _("Go to %(product)s", product=branding.product_name)
        return _message(
            request,
            branding,
            heading,
            lines,
            audience=audience,
            status_code=status_code,
            action_url=portal,
            action_label=label,
        )
    return _message(request, branding, heading, lines, audience=audience, status_code=status_code)


def _invite_page(
    request: Request,
    branding: BrandingView,
    state: LinkState,
    secret: str,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    signed_in_as: str | None = None,
) -> HTMLResponse:
    assert state.invite is not None and state.company is not None
    audience = _audience(request, state)
    context: dict[str, Any] = {
        "invite": state.invite,
        "company": state.company,
        "inviter_name": state.inviter.name
        if state.inviter
        else audience.translate("the person who invited you"),
        "inviter_email": state.inviter.email_address if state.inviter else None,
        "grants": state.grants,
        "has_account": state.account is not None,
        "expires": audience.format_datetime(state.invite.expires_on),
        "portal_url": branding.home_url(settings_of(request)),
        "secret": secret,
        "errors": errors or {},
        "values": values or {},
        "signed_in_as": signed_in_as,
        "min_password": MIN_PASSWORD,
        "max_password": MAX_PASSWORD,
    }
    return page(
        request,
        "invites/invite.html",
        branding,
        audience=audience,
        status_code=status_code,
        link=_link(secret),
        **context,
    )


def _expired_form(
    request: Request, branding: BrandingView, secret: str | None, state: LinkState | None = None
) -> HTMLResponse:
    audience = _audience(request, state) if state is not None else Audience(language_for(request))
    _ = audience.translate
    return _message(
        request,
        branding,
        _("This form has expired, reload the page"),
        [
            _(
                "For your safety, the form works only for a while and only in the browser "
                "that opened it. Nothing has been changed."
            ),
        ],
        audience=audience,
        status_code=400,
        action_url=_link(secret) if secret else None,
        action_label=_("Reload the invitation") if secret else None,
    )


async def _state(
    request: Request, session: AsyncSession, secret: str
) -> tuple[LinkState, BrandingView]:
    state = await pages.open_link(session, secret)
    fqdn = state.invite.branding if state.invite is not None else None
    return state, await branding_for(session, request, fqdn)


@router.get("/invites/{secret}", name="portal_invite")
async def invite_page(request: Request, session: SessionDep, secret: str) -> HTMLResponse:
    """Who invites whom to what, and the way in. Changes nothing."""
    state, branding = await _state(request, session, secret)
    if state.state != pages.OPEN:
        return _closed(request, branding, state)
    visit = await sessions.visit_if_signed_in(request, session)  # the account portal's
    who = visit.user.public_id if visit is not None else _signed_in(request)
    elsewhere = await pages.signed_in_elsewhere(session, who, state)
    return _invite_page(request, branding, state, secret, signed_in_as=elsewhere)


@router.post("/invites/{secret}/accept", name="portal_invite_accept")
async def accept_invite(request: Request, session: SessionDep, secret: str) -> HTMLResponse:
    """Joins: creates the account (name, password, repeated) or checks the password of the
    address's account. Field errors re-render the page with status 400."""
    form = await _form(request)
    state, branding = await _state(request, session, secret)
    if not csrf_valid(request, _link(secret), form.get(CSRF_FIELD)):
        return _expired_form(request, branding, secret, state)
    if state.state != pages.OPEN:
        return _closed(request, branding, state)
    _ = _audience(request, state).translate
    try:
        if state.account is not None:
            user, company = await pages.join_existing_account(
                session,
                request.app.state.login_limiter,
                request.client.host if request.client else "unknown",
                secret,
                form.get("password", ""),
                translate=_,
            )
        else:
            user, company = await pages.join_new_account(
                session,
                secret,
                name=form.get("name", ""),
                password=form.get("password", ""),
                repeat=form.get("password_repeat", ""),
                translate=_,
            )
    except (BadRequest, TooManyRequests) as error:
        await session.rollback()  # nothing half done; what the page shows is read again
        state, branding = await _state(request, session, secret)
        if state.state != pages.OPEN:
            return _closed(request, branding, state)
        errors = {item.property_name or "password": item.message for item in error.items}
        if isinstance(error, TooManyRequests):
            errors = {"password": _("Too many attempts with a wrong password; try again later.")}
        return _invite_page(
            request,
            branding,
            state,
            secret,
            status_code=error.status_code,
            errors=errors,
            values={"name": form.get("name", "")},
        )
    except AppError:
        await session.rollback()  # finished meanwhile (another tab, the API): say how it ends
        state, branding = await _state(request, session, secret)
        return _closed(request, branding, state)
    portal = branding.home_url(settings_of(request))
    audience = Audience(language_for(request, user.language), user.localisation, user.time_zone)
    _ = audience.translate
    product = branding.product_name
    response = _message(
        request,
        branding,
        _("Welcome to %(company)s", company=company.name),
        [
            _(
                "You are now a member of %(company)s on %(product)s.",
                company=company.name,
                product=product,
            ),
            _("Sign in with %(address)s and your password.", address=user.email_address),
        ],
        audience=audience,
        action_url=portal,
        action_label=_("Go to %(product)s", product=product),
    )
    _remember(request, response, user)
    return response


@router.get("/invites/{secret}/decline", name="portal_invite_decline_confirm")
async def decline_page(request: Request, session: SessionDep, secret: str) -> HTMLResponse:
    """Asks whether to decline; changes nothing (a mail scanner may open it too)."""
    state, branding = await _state(request, session, secret)
    if state.state != pages.OPEN:
        return _closed(request, branding, state)
    return _decline_page(request, branding, state, secret)


def _decline_page(
    request: Request, branding: BrandingView, state: LinkState, secret: str
) -> HTMLResponse:
    return page(
        request,
        "invites/decline.html",
        branding,
        audience=_audience(request, state),
        link=_link(secret),
        invite=state.invite,
        company=state.company,
        inviter_name=_inviter(state, _audience(request, state).translate),
        secret=secret,
    )


@router.post("/invites/{secret}/decline", name="portal_invite_decline")
async def decline_invite(request: Request, session: SessionDep, secret: str) -> HTMLResponse:
    """Declines when the confirmation page's form says so (`confirm=yes`); a POST without it
    (the invitation page of an older release) gets the confirmation page."""
    form = await _form(request)
    state, branding = await _state(request, session, secret)
    if not csrf_valid(request, _link(secret), form.get(CSRF_FIELD)):
        return _expired_form(request, branding, secret, state)
    if state.state == pages.OPEN and form.get("confirm") != "yes":
        return _decline_page(request, branding, state, secret)
    try:
        state = await pages.decline_link(session, secret)
    except AppError:
        await session.rollback()
        state, branding = await _state(request, session, secret)
        return _closed(request, branding, state)
    audience = _audience(request, state)
    _ = audience.translate
    company = state.company.name if state.company is not None else ""
    return _message(
        request,
        branding,
        _("You declined this invitation"),
        [
            _(
                "You will not join %(company)s. The link in the e-mail no longer works.",
                company=company,
            ),
            _("If you change your mind, ask %(who)s to invite you again.", who=_inviter(state, _)),
        ],
        audience=audience,
    )


@router.post("/sign-out", name="portal_sign_out", response_model=None)
async def sign_out(request: Request, session: SessionDep) -> Response:
    """Forgets who joined in this browser, ends its account-portal session, and goes back to
    the invitation."""
    form = await _form(request)
    secret = form.get("invite", "")
    if not secret or not csrf_valid(request, _link(secret), form.get(CSRF_FIELD)):
        return _expired_form(request, await branding_for(session, request, None), secret or None)
    visit = await sessions.visit_if_signed_in(request, session)
    if visit is not None:
        await token_service.delete_one(session, visit.auth, visit.token.public_id)
    response = RedirectResponse(_link(secret), status_code=303)
    sessions.forget(response)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
