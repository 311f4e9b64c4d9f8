"""Authentication as FastAPI dependencies, with `Annotated` aliases for routers.

Order matters for what a caller can learn: the application is checked first, then the
token, then the company (404 for a company the caller is not in, whether or not it exists).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPBasic, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from app.applications import service as application_service
from app.applications.models import Application
from app.audit import context as audit_context
from app.auth import headers
from app.auth import service as auth_service
from app.auth.context import AuthContext
from app.auth.permissions import Permission
from app.core.errors import Unauthorized
from app.db.session import SessionDep

# Registered for the OpenAPI document; the header itself is read below, because IXON's own
# example sends the bare token without the "Bearer " prefix.
bearer_scheme = HTTPBearer(scheme_name="bearerToken", auto_error=False)


class _BasicScheme(HTTPBasic):
    """Documents Basic on `POST /access-tokens`; parsing is ours (email:password or
    email:otp:password, both base64 alphabets), so this never raises."""

    async def __call__(self, request: Request) -> None:  # type: ignore[override]
        return None


basic_scheme = _BasicScheme(
    scheme_name="basicAuth",
    auto_error=False,
    description=(
        "base64(email:password), or base64(email:otp:password) with two-factor "
        "authentication (otp may be empty)."
    ),
)


async def current_application(
    session: SessionDep,
    application_id: Annotated[str, Depends(headers.application_id)],
    _version: Annotated[None, Depends(headers.api_version)],
) -> Application:
    # Depending on the version check means a request without Api-Version is answered with
    # that error before anything else is looked at.
    application = await application_service.get_enabled(session, application_id)
    audit_context.application(session, application.name)
    return application


ApplicationDep = Annotated[Application, Depends(current_application)]


def bearer_secret(request: Request) -> str | None:
    raw = request.headers.get("authorization", "").strip()
    scheme, _, rest = raw.partition(" ")
    if scheme.lower() == "bearer":
        return rest.strip() or None
    if raw and " " not in raw:
        return raw  # the bare token, as in IXON's documented invite call
    return None


def route_rel(request: Request) -> str | None:
    route = request.scope.get("route")
    tags = getattr(route, "tags", None)
    return str(tags[0]) if tags else None


async def _authenticate(
    request: Request, session: AsyncSession, application_id: str, company_id: str | None
) -> AuthContext:
    secret = bearer_secret(request)
    if secret is None:
        await application_service.get_enabled(session, application_id)
        raise Unauthorized("Send Authorization: Bearer <token>", "Authorization")
    auth = await auth_service.authenticate(
        session, secret, application_id, company_id, rel=route_rel(request), method=request.method
    )
    audit_context.identify(session, auth)
    # Plain ids for the request log (the ORM objects may be expired after a rollback).
    company = auth.company.public_id if auth.company is not None else None
    request.state.caller = (auth.user.public_id, company)
    return auth


async def authenticate(
    request: Request,
    session: SessionDep,
    application_id: Annotated[str, Depends(headers.application_id)],
    _version: Annotated[None, Depends(headers.api_version)],
    _scheme: Annotated[object, Depends(bearer_scheme)] = None,
) -> AuthContext:
    return await _authenticate(request, session, application_id, None)


Auth = Annotated[AuthContext, Depends(authenticate)]


async def authenticate_company(
    request: Request,
    session: SessionDep,
    application_id: Annotated[str, Depends(headers.application_id)],
    company_id: Annotated[str, Depends(headers.company_id)],
    _version: Annotated[None, Depends(headers.api_version)],
    _scheme: Annotated[object, Depends(bearer_scheme)] = None,
) -> AuthContext:
    """Token, application and company in one query (app/auth/repository.py)."""
    return await _authenticate(request, session, application_id, company_id)


CompanyAuth = Annotated[AuthContext, Depends(authenticate_company)]


def require(*permissions: Permission) -> Callable[..., Coroutine[Any, Any, AuthContext]]:
    """A dependency for routes whose whole operation needs one of ``permissions``."""

    async def dependency(auth: CompanyAuth) -> AuthContext:
        auth.assert_permission(*permissions)
        return auth

    dependency.required_permissions = permissions  # type: ignore[attr-defined]  # for the docs
    return dependency


def permission(*permissions: Permission) -> dict[str, Any]:
    """Route keyword arguments that declare and enforce the permission an operation needs:
    ``@router.post("/roles", **permission(Permission.MANAGE_ROLES))``. Any one of them is
    enough; COMPANY_ADMIN implies every permission. The OpenAPI document lists them under
    ``x-permissions`` and the docs' permission page is generated from that."""
    return {
        "dependencies": [Depends(require(*permissions))],
        "openapi_extra": {"x-permissions": [p.value for p in permissions]},
    }
