"""The account pages the e-mail links open: complete a registration, choose a new password,
confirm a new e-mail address. Served at `/portal/...` (no IXON headers).

GET only shows; every change is a POST from the page, with its CSRF token (app/portal/common.py),
so a mail scanner that follows links cannot use one up. Unknown links get a 404 page, used or
expired ones a 410 page, each saying what to do next. A page is in the language of the
account (or registration) its link is for; one that cannot tell, in the browser's.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from app.access_recover import service as recover_service
from app.access_recover.schemas import AccessRecoverFinish
from app.action_tokens import service as links
from app.brandings.service import BrandingView
from app.core import passwords
from app.core.clock import utcnow
from app.core.errors import AppError, Conflict, Gone, NotFound, Unauthorized
from app.db.session import SessionDep
from app.email_changes import service as change_service
from app.i18n.audience import Audience, Person
from app.i18n.catalogues import N_, Translator
from app.portal.common import CSRF_FIELD, branding_for, csrf_valid, language_for, page, settings_of
from app.portal.router import router
from app.portal.service_texts import in_words
from app.registrations import service as registration_service
from app.users.models import User
from app.users.service import MAX_PASSWORD, MIN_PASSWORD


@dataclass(frozen=True, slots=True)
class Flow:
    path: str  # under /portal/
    page_name: str
    kind: str  # of its link secret
    expired: str  # what to do when the link has expired (or is not valid)
    used: str  # what to do when it has been used, cancelled or replaced by a newer e-mail
    conflict: str = ""


REGISTRATION = Flow(
    "registrations",
    "portal_registration",
    links.REGISTRATION,
    N_("Register again: you will receive a new confirmation e-mail."),
    N_(
        "If you completed your registration, log in with your e-mail address and password. "
        "Otherwise register again: you will receive a new confirmation e-mail."
    ),
    N_("Log in with this address, or choose a new password from the log-in page if you forgot it."),
)
ACCESS_RECOVER = Flow(
    "access-recover",
    "portal_access_recover",
    links.ACCESS_RECOVER,
    N_("Ask for a new password-reset e-mail on the log-in page."),
    N_(
        "If you chose a new password with it, log in with that password. Otherwise ask for a "
        "new password-reset e-mail on the log-in page, and use the link in the newest e-mail."
    ),
)
EMAIL_CHANGE = Flow(
    "email-address-changes",
    "portal_email_change",
    links.EMAIL_CHANGE,
    N_(
        "Log in and ask for the change again in your profile: you will receive a new "
        "confirmation e-mail."
    ),
    N_(
        "If you confirmed the change, log in with your new address. Otherwise log in and ask "
        "for the change again in your profile."
    ),
    N_("Log in and ask for the change again with another e-mail address."),
)


def _link(flow: Flow, secret: str) -> str:
    """What the page's CSRF token is bound to."""
    return f"/portal/{flow.path}/{secret}"


def _action(request: Request, flow: Flow, secret: str) -> str:
    return request.url_for(f"{flow.page_name}_finish", secret=secret).path


async def _host_branding(session: AsyncSession, request: Request) -> BrandingView:
    """The branding whose domain the page is served at; the default one otherwise."""
    return await branding_for(session, request, request.url.hostname)


def _audience(request: Request, person: Person | None = None) -> Audience:
    """``person``'s language (else the browser's), locale and time zone."""
    if person is None:
        return Audience(language_for(request))
    language = language_for(request, person.language)
    return Audience(language, person.localisation, person.time_zone)


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
    settings = settings_of(request)
    _ = audience.translate
    return page(
        request,
        "message.html",
        branding,
        audience=audience,
        status_code=status_code,
        heading=heading,
        lines=lines,
        action_url=action_url or branding.home_url(settings),
        action_label=action_label or _("Go to %(product)s", product=branding.product_name),
    )


async def _problem(
    session: AsyncSession, request: Request, flow: Flow, secret: str, error: AppError
) -> HTMLResponse:
    branding = await _host_branding(session, request)
    audience = _audience(request)
    _ = audience.translate
    if isinstance(error, Gone):
        token = await links.lookup(session, flow.kind, secret)
        if token is not None and token.used_on is None and token.expires_on <= utcnow():
            heading = _("This link has expired")
            lines = [_("Links in our e-mails work for a limited time."), _(flow.expired)]
        elif token is not None and token.used_on is not None:
            heading = _("This link has been used already")
            lines = [_("Each link works once, and a newer e-mail replaces it."), _(flow.used)]
        else:  # what it was for has gone (an account deleted since, say)
            heading, lines = _("This link can no longer be used"), [_(flow.expired)]
        return _message(request, branding, heading, lines, audience=audience, status_code=410)
    if isinstance(error, Unauthorized | NotFound):
        return _message(
            request,
            branding,
            _("This link is not valid"),
            [_("Check that you opened the whole link from the e-mail."), _(flow.expired)],
            audience=audience,
            status_code=404,
        )
    if isinstance(error, Conflict):
        return _message(
            request,
            branding,
            _("This e-mail address is already in use"),
            [_("Another account uses this e-mail address now."), _(flow.conflict)],
            audience=audience,
            status_code=409,
        )
    return _message(
        request,
        branding,
        _("This did not work"),
        [in_words(item.message, _) for item in error.items],
        audience=audience,
        status_code=error.status_code,
    )


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


async def _refused(
    session: AsyncSession, request: Request, flow: Flow, secret: str
) -> HTMLResponse:
    """A POST without this page's CSRF token (or from another browser): nothing changes."""
    audience = _audience(request)
    _ = audience.translate
    return _message(
        request,
        await _host_branding(session, request),
        _("This form has expired"),
        [
            _(
                "For your safety, the form works only for a while and only in the browser "
                "that opened it. Nothing has been changed."
            ),
            _("Open the page again and retry."),
        ],
        audience=audience,
        status_code=403,
        action_url=request.url_for(flow.page_name, secret=secret).path,
        action_label=_("Open the page again"),
    )


def _csrf_ok(request: Request, flow: Flow, secret: str, form: dict[str, str]) -> bool:
    return csrf_valid(request, _link(flow, secret), form.get(CSRF_FIELD))


@router.get("/registrations/{secret}", name="portal_registration")
async def registration_page(request: Request, session: SessionDep, secret: str) -> HTMLResponse:
    try:
        registration = await registration_service.get_mine(session, secret)
    except AppError as error:
        return await _problem(session, request, REGISTRATION, secret, error)
    audience = _audience(request, registration)
    return page(
        request,
        "accounts/registration.html",
        await branding_for(session, request, registration.branding),
        audience=audience,
        link=_link(REGISTRATION, secret),
        registration=registration,
        expires=audience.format_datetime(registration.expires_on),
        action=_action(request, REGISTRATION, secret),
    )


@router.post("/registrations/{secret}/finish", name="portal_registration_finish")
async def finish_registration(request: Request, session: SessionDep, secret: str) -> HTMLResponse:
    if not _csrf_ok(request, REGISTRATION, secret, await _form(request)):
        return await _refused(session, request, REGISTRATION, secret)
    try:
        registration, _company = await registration_service.finish_mine(session, secret)
    except AppError as error:
        await session.rollback()
        return await _problem(session, request, REGISTRATION, secret, error)
    branding = await branding_for(session, request, registration.branding)
    audience = _audience(request, registration)
    _ = audience.translate
    return _message(
        request,
        branding,
        _("Your registration is complete"),
        [
            _(
                "Your account and the company %(company)s have been created.",
                company=registration.company_name,
            ),
            _("You can now log in with your e-mail address and the password you chose."),
        ],
        audience=audience,
        action_label=_("Log in to %(product)s", product=branding.product_name),
    )


def _password_errors(form: dict[str, str], user: User, _: Translator) -> list[str]:
    new, repeated = form.get("new_password", ""), form.get("repeat_password", "")
    errors = []
    if not MIN_PASSWORD <= len(new) <= MAX_PASSWORD:
        errors.append(
            _(
                "Choose a password of %(min)s to %(max)s characters.",
                min=MIN_PASSWORD,
                max=MAX_PASSWORD,
            )
        )
    elif new != repeated:
        errors.append(_("The two passwords are not the same. Type the new password twice."))
    elif passwords.too_easy(new, (user.email_address, user.name)):
        errors.append(_(passwords.TOO_COMMON))
    return errors


async def _password_form(
    session: AsyncSession,
    request: Request,
    secret: str,
    form: dict[str, str] | None = None,
) -> tuple[HTMLResponse | None, User | None]:
    """The form again when ``form`` has mistakes (or the link is no good); else (None, user)."""
    try:
        user = await recover_service.get_mine(session, secret)
    except AppError as error:
        return await _problem(session, request, ACCESS_RECOVER, secret, error), None
    audience = _audience(request, user)
    errors = _password_errors(form, user, audience.translate) if form is not None else []
    if form is not None and not errors:
        return None, user
    response = page(
        request,
        "accounts/access_recover.html",
        await _host_branding(session, request),
        audience=audience,
        status_code=400 if errors else 200,
        link=_link(ACCESS_RECOVER, secret),
        email=user.email_address,
        errors=errors,
        sign_out=form is None or form.get("sign_out") == "yes",
        min_password=MIN_PASSWORD,
        max_password=MAX_PASSWORD,
        action=_action(request, ACCESS_RECOVER, secret),
    )
    return response, user


@router.get("/access-recover/{secret}", name="portal_access_recover")
async def access_recover_page(request: Request, session: SessionDep, secret: str) -> HTMLResponse:
    response, _user = await _password_form(session, request, secret)
    assert response is not None
    return response


@router.post("/access-recover/{secret}/finish", name="portal_access_recover_finish")
async def finish_access_recover(request: Request, session: SessionDep, secret: str) -> HTMLResponse:
    form = await _form(request)
    if not _csrf_ok(request, ACCESS_RECOVER, secret, form):
        return await _refused(session, request, ACCESS_RECOVER, secret)
    refused, user = await _password_form(session, request, secret, form)
    if refused is not None or user is None:
        assert refused is not None
        return refused
    sign_out = form.get("sign_out") == "yes"
    branding = await _host_branding(session, request)
    body = AccessRecoverFinish(newPassword=form["new_password"], deleteAccessTokens=sign_out)
    try:
        await recover_service.finish_mine(
            session,
            settings_of(request),
            request.app.state.login_limiter,
            secret,
            body,
            branding.fqdn,
        )
    except AppError as error:
        await session.rollback()
        return await _problem(session, request, ACCESS_RECOVER, secret, error)
    audience = _audience(request, user)
    _ = audience.translate
    lines = [_("You can now log in with your new password.")]
    if sign_out:
        lines.append(_("You have been signed out everywhere: log in again on each device."))
    return _message(
        request,
        branding,
        _("Your password has been changed"),
        lines,
        audience=audience,
        action_label=_("Log in to %(product)s", product=branding.product_name),
    )


@router.get("/email-address-changes/{secret}", name="portal_email_change")
async def email_change_page(request: Request, session: SessionDep, secret: str) -> HTMLResponse:
    try:
        view = await change_service.get_by_link(session, secret)
    except AppError as error:
        return await _problem(session, request, EMAIL_CHANGE, secret, error)
    audience = _audience(request, view.user)
    return page(
        request,
        "accounts/email_change.html",
        await branding_for(session, request, view.change.branding),
        audience=audience,
        link=_link(EMAIL_CHANGE, secret),
        old_address=view.user.email_address,
        new_address=view.change.new_email_address,
        expires=audience.format_datetime(view.change.expires_on),
        action=_action(request, EMAIL_CHANGE, secret),
    )


@router.post("/email-address-changes/{secret}/finish", name="portal_email_change_finish")
async def finish_email_change(request: Request, session: SessionDep, secret: str) -> HTMLResponse:
    if not _csrf_ok(request, EMAIL_CHANGE, secret, await _form(request)):
        return await _refused(session, request, EMAIL_CHANGE, secret)
    try:
        view = await change_service.finish_by_link(session, settings_of(request), secret)
    except AppError as error:
        await session.rollback()
        return await _problem(session, request, EMAIL_CHANGE, secret, error)
    audience = _audience(request, view.user)
    _ = audience.translate
    lines = [
        _("From now on, log in with %(address)s.", address=view.change.new_email_address),
        _(
            "We have let your previous address, %(address)s, know.",
            address=view.change.old_email_address,
        ),
    ]
    return _message(
        request,
        await branding_for(session, request, view.change.branding),
        _("Your e-mail address has been changed"),
        lines,
        audience=audience,
        action_label=_("Log in"),
    )
