"""Signing in and out of the account portal.

Sign-in goes through the API's own log-in (`POST /access-tokens`'s service function, with the
same `email:otp:password` credentials), so its throttling, its one answer for every wrong
credential and its two-factor check apply here unchanged. The token it issues, for the
portal's own application, is the session (app/portal/sessions.py).

With two-factor authentication on and no code typed (or a wrong one), the form shows again
asking for the code; the password is typed again too (no page ever holds it).
"""

from __future__ import annotations

import base64

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.access_tokens import service as token_service
from app.access_tokens.schemas import AccessTokenCreate
from app.audit import context as audit_context
from app.core.errors import Unauthorized
from app.db.session import SessionDep
from app.otp_auth import login as second_factor
from app.portal import sessions
from app.portal.common import branding_for, page, settings_of
from app.portal.companies import companies_again
from app.portal.errors import Form, FormError, redisplays
from app.portal.forms import HOME, Fields, SignedInPost, anonymous_form
from app.portal.router import portal_path, router
from app.portal.sessions import ACCOUNT, safe_next, see_other
from app.state import LimiterDep

# The log-in's two-factor answers, as a message on the form's code field.
CODE_ERRORS = {second_factor.REQUIRED: "code_required", second_factor.FAILED: "code_wrong"}


async def sign_in_page(
    request: Request, session: AsyncSession, form: Form | None = None, status_code: int = 200
) -> HTMLResponse:
    """The sign-in form (with "Forgot your password?" below it, app/portal/home.py)."""
    return page(
        request,
        "home.html",
        await branding_for(session, request, request.url.hostname),
        status_code=status_code,
        link=HOME,
        sign_in=form or Form(),
        next=safe_next(request.query_params.get("next") or (form or Form()).values.get("next")),
        notice=request.query_params.get("done", ""),
    )


async def home(request: Request, session: AsyncSession) -> Response:
    """`GET /portal/`: the sign-in page, or the account for someone signed in already."""
    if await sessions.visit_if_signed_in(request, session) is not None:
        return see_other(ACCOUNT)
    return await sign_in_page(request, session)


def _credentials(email: str, code: str, password: str) -> str:
    """The Basic header `POST /access-tokens` takes: base64(email:otp:password)."""
    return "Basic " + base64.b64encode(f"{email}:{code}:{password}".encode()).decode()


@router.post("/sign-in", name="portal_sign_in")
@redisplays(sign_in_page)
async def sign_in(request: Request, session: SessionDep, limiter: LimiterDep) -> Response:
    values = await anonymous_form(request, HOME)
    fields = Fields(values)
    email = fields.text("email", max_length=254)
    password = values.get("password", "")
    if not password:
        fields.fail("password", "password_missing")
    code = fields.text("code", max_length=16, required=False)
    fields.done()
    application = await sessions.portal_application(session)
    if not application.enabled:
        raise FormError({"": "portal_disabled"}, status_code=403)
    audit_context.application(session, application.name)
    client = sessions.client_of(request)
    body = AccessTokenCreate(expiresIn=settings_of(request).portal_session_ttl)
    try:
        new = await token_service.log_in(
            session, limiter, application, _credentials(email, code, password), body, client
        )
    except Unauthorized as exc:
        field = CODE_ERRORS.get(exc.items[0].message)
        if field is None:
            raise
        raise FormError({"code": field}, status_code=401) from None
    response = see_other(safe_next(values.get("next")) or ACCOUNT)
    sessions.forget_company(response)  # nothing of a previous visit carries over
    sessions.start(request, response, new.secret)
    return response


@router.get("/account/", name="portal_account")
async def account(request: Request) -> Response:
    return see_other(portal_path("portal_companies"))


@router.post("/account/sign-out", name="portal_account_sign_out")
@redisplays(companies_again)
async def sign_out(post: SignedInPost) -> Response:
    """Ends the session: its token is deleted, on every process at once."""
    visit = post.visit
    await token_service.delete_one(visit.session, visit.auth, visit.token.public_id)
    response = see_other("/portal/?done=signed-out")
    sessions.forget(response)
    return response
