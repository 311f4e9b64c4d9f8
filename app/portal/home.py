"""`/portal/`: where "Go to {product}" leads for the built-in branding. It is the account
portal's sign-in page (app/portal/signin.py), and lets someone who forgot their password ask
for a link (the same request as `POST /access-recover`, answered the same whether or not the
address has an account)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from app.access_recover import service as recover_service
from app.access_recover.schemas import AccessRecoverCreate
from app.core.errors import AppError, TooManyRequests
from app.db.after_answer import after_answer
from app.db.session import SessionDep
from app.portal import signin
from app.portal.common import CSRF_FIELD, branding_for, csrf_valid, page, settings_of, translator
from app.portal.router import router

HOME = "home"  # the CSRF binding of this page's forms (the sign-in form's too)


async def _home(
    request: Request,
    session: SessionDep,
    *,
    status_code: int = 200,
    error: str | None = None,
    address: str = "",
) -> HTMLResponse:
    branding = await branding_for(session, request, None)
    return page(
        request,
        "home.html",
        branding,
        status_code=status_code,
        link=HOME,
        error=error,
        address=address,
    )


@router.get("/", response_class=HTMLResponse, name="portal_home")
async def home(request: Request, session: SessionDep) -> Response:
    """The sign-in page; the account for someone signed in already (app/portal/signin.py)."""
    return await signin.home(request, session)


@router.post("/forgot-password", response_class=HTMLResponse, name="portal_forgot_password")
async def forgot_password(request: Request, session: SessionDep) -> HTMLResponse:
    form = await request.form()
    address = str(form.get("email") or "").strip()
    _ = translator(request)
    if not csrf_valid(request, HOME, str(form.get(CSRF_FIELD) or "")):
        return await _home(
            request,
            session,
            status_code=400,
            address=address,
            error=_("This form has expired; please try again."),
        )
    settings = settings_of(request)
    client = request.client.host if request.client else None
    try:
        job = await recover_service.request_reset(
            session,
            settings,
            request.app.state.login_limiter,
            settings.default_branding,
            AccessRecoverCreate(emailAddress=address),
            client,
        )
    except TooManyRequests:
        await session.rollback()
        return await _home(
            request,
            session,
            status_code=429,
            address=address,
            error=_("Too many requests for this address; try again later."),
        )
    except AppError:
        await session.rollback()
        return await _home(
            request,
            session,
            status_code=400,
            address=address,
            error=_("Enter a valid e-mail address, such as name@example.com."),
        )
    branding = await branding_for(session, request, None)
    answer = page(
        request,
        "message.html",
        branding,
        heading=_("Check your e-mail"),
        lines=[
            _(
                "If %(address)s has an account, an e-mail with a link to choose a new password "
                "is on its way. The link works for one hour.",
                address=address,
            )
        ],
    )
    return after_answer(
        answer, request, lambda later: recover_service.send_reset(later, settings, job)
    )
