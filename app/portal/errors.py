"""Portal failures are pages: handlers raise, one handler renders, the API's envelope never shows.

A page handler has no try/except and never rolls back. It raises `FormError` (what was typed
is not right), `PageError` (this page cannot be shown), `SignInRequired` (no valid session), or
lets a service's `AppError` through. The session dependency rolls the request's transaction
back, as for any error, and `render_failure` answers in a fresh session:

- a POST whose endpoint names its form page (`@redisplays(...)`) gets that page again: the
  messages in its error summary (which takes the focus) and what was typed, passwords excepted;
- anything else gets the problem page of its status (404, 403, 409, 429, ...);
- without a valid session the browser is sent to sign in (app/portal/sessions.py); a visit
  whose company requires two-factor authentication, to the two-factor page.

`PageRoute` turns an unexpected exception in a page into a logged 500 page, and `install` makes
404/405 and database failures under /portal/ pages too.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.brandings.service import BrandingView
from app.core.errors import AppError
from app.i18n.audience import Audience
from app.i18n.catalogues import Translator
from app.portal import sessions
from app.portal.common import branding_for, language_for, page, settings_of
from app.portal.service_texts import in_words

logger = logging.getLogger("app.portal")

PROBLEM = "account/problem.html"
# Fields whose value is never written back into a page.
SECRET_FIELDS = ("password", "csrf_token", "code")


@dataclass
class Form:
    """A form as a page shows it: what was typed, and what is wrong, by field name ("" for the
    form as a whole). Messages are codes that the templates word (account/_text.html), or a
    service's own message, put in the reader's language here (app/portal/service_texts.py)."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


class PortalFailure(Exception):
    status_code = 400


class FormError(PortalFailure):
    """The form cannot be accepted as filled in; ``errors`` maps fields to message codes."""

    def __init__(self, errors: dict[str, str], status_code: int = 400) -> None:
        super().__init__(", ".join(errors.values()))
        self.errors = errors
        self.status_code = status_code


class PageError(PortalFailure):
    """The page cannot be shown: the problem page with ``problem`` (a code the template words)."""

    def __init__(self, status_code: int, problem: str, **context: Any) -> None:
        super().__init__(problem)
        self.status_code = status_code
        self.context = {"problem": problem, **context}


Redisplay = Callable[[Request, AsyncSession, Form, int], Awaitable[Response]]
Endpoint = TypeVar("Endpoint", bound=Callable[..., Awaitable[Response]])


def redisplays(render: Redisplay, **fields: str) -> Callable[[Endpoint], Endpoint]:
    """Names the page a POST handler's failures show again; ``fields`` maps a service error's
    propertyName (IXON's, like ``emailAddress``) to the form's field."""

    def mark(endpoint: Endpoint) -> Endpoint:
        endpoint.redisplay = (render, fields)  # type: ignore[attr-defined]
        return endpoint

    return mark


def _errors(exc: Exception, fields: dict[str, str], _: Translator) -> dict[str, str]:
    if isinstance(exc, FormError):
        return exc.errors
    assert isinstance(exc, AppError)
    found: dict[str, str] = {}
    for item in exc.items:
        name = fields.get(item.property_name or "", "")
        found.setdefault(name, in_words(item.message, _))
    return found


def _reader(request: Request) -> Audience:
    """A signed-in reader's own language (app/portal/sessions.py), else the browser's."""
    audience = getattr(request.state, "portal_audience", None)
    return audience if isinstance(audience, Audience) else Audience(language_for(request))


def _typed(request: Request) -> dict[str, str]:
    values: dict[str, str] = getattr(request.state, "portal_form", {})
    return {k: v for k, v in values.items() if not any(s in k for s in SECRET_FIELDS)}


def _problem_of(exc: Exception, _: Translator) -> tuple[int, dict[str, Any]]:
    if isinstance(exc, PageError):
        return exc.status_code, exc.context
    if isinstance(exc, PortalFailure):
        return exc.status_code, {"problem": "form"}
    if isinstance(exc, AppError):
        messages = [in_words(item.message, _) for item in exc.items]
        return exc.status_code, {"problem": exc.code, "messages": messages}
    if isinstance(exc, StarletteHTTPException):
        return exc.status_code, {"problem": "not_found" if exc.status_code == 404 else "method"}
    if isinstance(exc, RequestValidationError):
        return 400, {"problem": "bad_request"}
    return 503, {"problem": "unavailable"}


async def _branding(session: AsyncSession, request: Request, exc: Exception) -> BrandingView:
    if isinstance(exc, OperationalError | InterfaceError | ConnectionError):
        return BrandingView(settings_of(request).default_branding, None)  # no database to ask
    return await branding_for(session, request, request.url.hostname)


async def _answer(request: Request, session: AsyncSession, exc: Exception) -> Response:
    if isinstance(exc, sessions.TwoFactorRequired):
        return sessions.see_other(sessions.TWO_FACTOR)
    if isinstance(exc, sessions.SignInRequired):
        return sessions.sign_in_redirect(request)
    route = request.scope.get("route")
    redisplay: tuple[Redisplay, dict[str, str]] | None = getattr(
        getattr(route, "endpoint", None), "redisplay", None
    )
    if redisplay is not None and isinstance(exc, FormError | AppError):
        render, fields = redisplay
        form = Form(_typed(request), _errors(exc, fields, _reader(request).translate))
        try:
            return _with_headers(await render(request, session, form, exc.status_code), exc)
        except (AppError, PageError):  # the page itself is out of reach now: say why
            await session.rollback()
    audience = _reader(request)
    status, context = _problem_of(exc, audience.translate)
    branding = await _branding(session, request, exc)
    answer = page(request, PROBLEM, branding, status_code=status, audience=audience, **context)
    return _with_headers(answer, exc)


def _with_headers(response: Response, exc: Exception) -> Response:
    if isinstance(exc, AppError):
        response.headers.update(exc.headers)  # Retry-After of a 429
    return response


async def render_failure(request: Request, exc: Exception) -> Response:
    """The one handler of every failure of a portal page."""
    maker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with maker() as session:
        try:
            return await _answer(request, session, exc)
        except sessions.SignInRequired:
            return sessions.sign_in_redirect(request)


class PageRoute(APIRoute):
    """A portal page: an exception no one expected becomes a logged 500 page (the transaction
    is rolled back by the session dependency, which sees the failure)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handle(request)
            except (AppError, PortalFailure, sessions.SignInRequired, StarletteHTTPException):
                raise
            except (RequestValidationError, OperationalError, InterfaceError, ConnectionError):
                raise
            except Exception as exc:
                request_id = getattr(request.state, "request_id", "-")
                logger.exception("unexpected error on a portal page, request id %s", request_id)
                raise PageError(500, "internal", request_id=request_id) from exc

        return route


def _is_portal(request: Request) -> bool:
    return request.url.path == "/portal" or request.url.path.startswith("/portal/")


def install(app: FastAPI) -> None:
    """Every failure under /portal/ answers with a page; elsewhere the API's handlers answer."""
    app.add_exception_handler(PortalFailure, render_failure)
    app.add_exception_handler(sessions.SignInRequired, render_failure)
    for kind in (
        AppError,
        StarletteHTTPException,
        RequestValidationError,
        OperationalError,
        InterfaceError,
        ConnectionError,
    ):
        api_handler = app.exception_handlers.get(kind)
        if api_handler is not None:
            app.add_exception_handler(kind, _portal_or(api_handler))


def _portal_or(api_handler: Callable[..., Any]) -> Callable[[Request, Exception], Any]:
    async def handle(request: Request, exc: Exception) -> Response:
        if _is_portal(request):
            return await render_failure(request, exc)
        response: Response = await api_handler(request, exc)
        return response

    return handle
