"""Bearer authentication: who is calling, with which application, in which company."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.applications import service as application_service
from app.auth import repository
from app.auth.context import AuthContext
from app.auth.headers import unknown_application
from app.auth.permissions import effective
from app.core import security
from app.core.clock import utcnow
from app.core.errors import Forbidden, NotFound, Unauthorized
from app.users import service as user_service
from app.users.models import PERSON

UNKNOWN_TOKEN = "The access token is unknown, expired or revoked"  # noqa: S105 - a message
SECOND_FACTOR_REQUIRED = (
    "Two Factor Authentication required: a role of yours in this company requires "
    "two-factor authentication; turn it on with POST /users/me/otp-auth/enable and "
    "/users/me/otp-auth/verify"
)


def _scope_allows(scope: dict[str, Any] | None, rel: str | None, method: str) -> bool:
    """IXON's token scopes: `allow` passes only listed rel/method pairs, `deny` blocks them."""
    if not scope or scope.get("type") == "unrestricted" or rel is None:
        return True
    listed = any(
        r.get("rel") == rel and r.get(method.lower()) is True for r in scope.get("rels") or []
    )
    return listed if scope.get("type") == "allow" else not listed


async def authenticate(
    session: AsyncSession,
    secret: str,
    application_id: str,
    company_id: str | None = None,
    *,
    rel: str | None = None,
    method: str = "GET",
) -> AuthContext:
    found = await repository.resolve(
        session, security.token_hash(secret), application_id, company_id
    )
    token = found.token
    if token is None:
        # An unknown application is named as such, whatever the token (checked first).
        await application_service.get_enabled(session, application_id)
        raise Unauthorized(UNKNOWN_TOKEN, "Authorization")
    application = found.application
    if application is None or not application.enabled:
        raise unknown_application()
    if token.expires_on is not None and token.expires_on <= utcnow():
        raise Unauthorized(UNKNOWN_TOKEN, "Authorization")
    owner = token.application
    if owner.owner_user_id is not None and owner.id != application.id:
        raise Unauthorized(
            "This service-account token works only with its own Api-Application", "Authorization"
        )
    if not owner.enabled:
        raise Unauthorized("The token's application is disabled", "Authorization")
    if not _scope_allows(token.scope, rel, method):
        raise Forbidden(f"The token's scope does not allow {method} on {rel}")
    _record_use(token)
    auth = AuthContext(user=token.user, token=token, application=application)
    if company_id is not None:
        if found.company is None or not found.is_member:
            raise NotFound("Company not found", "Api-Company")
        if found.second_factor_missing and token.user.type == PERSON:
            raise Forbidden(SECOND_FACTOR_REQUIRED, "Api-Company")
        auth.company, auth.permissions = found.company, effective(found.permissions)
    return auth


def _record_use(token: Any) -> None:
    """At most once a minute, so reads do not all become writes."""
    now = utcnow()
    if token.last_used_on is None or (now - token.last_used_on).total_seconds() > 60:
        token.last_used_on = now
    user_service.touch(token.user)
