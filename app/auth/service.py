"""Bearer authentication: who is calling, with which application, in which company."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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


@dataclass(frozen=True, slots=True)
class Facts:
    """What the checks look at, from the ORM objects or from the read path's Core rows."""

    expires_on: datetime | None
    scope: dict[str, Any] | None
    owner_id: int
    owner_user_id: int | None
    owner_enabled: bool
    application_id: int | None  # the application `Api-Application` names, if it exists
    application_enabled: bool
    user_type: str
    company_found: bool = False
    is_member: bool = False
    second_factor_missing: bool = False


def check(facts: Facts, company_id: str | None, rel: str | None, method: str) -> None:
    """The token's, the applications' and the company's checks, in the order that decides
    what a caller can learn (the unknown token was told apart before)."""
    if facts.application_id is None or not facts.application_enabled:
        raise unknown_application()
    if facts.expires_on is not None and facts.expires_on <= utcnow():
        raise Unauthorized(UNKNOWN_TOKEN, "Authorization")
    if facts.owner_user_id is not None and facts.owner_id != facts.application_id:
        raise Unauthorized(
            "This service-account token works only with its own Api-Application", "Authorization"
        )
    if not facts.owner_enabled:
        raise Unauthorized("The token's application is disabled", "Authorization")
    if not _scope_allows(facts.scope, rel, method):
        raise Forbidden(f"The token's scope does not allow {method} on {rel}")
    if company_id is not None:
        if not facts.company_found or not facts.is_member:
            raise NotFound("Company not found", "Api-Company")
        if facts.second_factor_missing and facts.user_type == PERSON:
            raise Forbidden(SECOND_FACTOR_REQUIRED, "Api-Company")


async def unknown_token(session: AsyncSession, application_id: str) -> Unauthorized:
    """An unknown application is named as such, whatever the token (checked first)."""
    await application_service.get_enabled(session, application_id)
    return Unauthorized(UNKNOWN_TOKEN, "Authorization")


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
        raise await unknown_token(session, application_id)
    application, owner = found.application, token.application
    facts = Facts(
        expires_on=token.expires_on,
        scope=token.scope,
        owner_id=owner.id,
        owner_user_id=owner.owner_user_id,
        owner_enabled=owner.enabled,
        application_id=application.id if application is not None else None,
        application_enabled=application is not None and application.enabled,
        user_type=token.user.type,
        company_found=found.company is not None,
        is_member=found.is_member,
        second_factor_missing=found.second_factor_missing,
    )
    check(facts, company_id, rel, method)
    assert application is not None
    _record_use(token)
    auth = AuthContext(user=token.user, token=token, application=application)
    if company_id is not None:
        auth.company, auth.permissions = found.company, effective(found.permissions)
    return auth


def stale(last: datetime | None, now: datetime) -> bool:
    """Use is recorded at most once a minute, so reads do not all become writes."""
    return last is None or (now - last).total_seconds() > 60


def _record_use(token: Any) -> None:
    now = utcnow()
    if stale(token.last_used_on, now):
        token.last_used_on = now
    user_service.touch(token.user)
