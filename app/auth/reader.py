"""Authentication for the hot read operations (`GET /roles`, `/groups`, `/users`): the checks
of app/auth/service.py on the one query's Core rows, without building ORM objects.

The caller is described by plain values (`Caller`), enough for company-scoped reads; writes
and everything else keep the full `AuthContext`. Nothing is cached: every request reads the
token, its applications and the memberships again, so a revocation holds at once everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Row, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.access_tokens.models import AccessToken
from app.audit import context as audit_context
from app.auth import headers
from app.auth import repository as auth_repository
from app.auth import service as auth_service
from app.auth.dependencies import bearer_scheme, bearer_secret, route_rel
from app.auth.permissions import Permission, effective
from app.core import security
from app.core.clock import utcnow
from app.core.errors import Forbidden, Unauthorized
from app.db import session as db_session
from app.db.session import SessionDep
from app.users.models import User


@dataclass(frozen=True, slots=True)
class Caller:
    """Who reads, in which company, with what permissions there."""

    user_id: int
    user_public_id: str
    company_id: int
    company_public_id: str
    permissions: frozenset[Permission]

    def assert_permission(self, *permissions: Permission) -> None:
        if not any(p in self.permissions for p in permissions):
            names = " or ".join(p.value for p in permissions)
            raise Forbidden(f"This requires the {names} permission in this company")


def _facts(rows: list[Row[Any]]) -> auth_service.Facts:
    first = rows[0]
    return auth_service.Facts(
        expires_on=first.expires_on,
        scope=first.scope,
        owner_id=first.owner_id,
        owner_user_id=first.owner_user_id,
        owner_enabled=first.owner_enabled,
        application_id=first.application_id,
        application_enabled=bool(first.application_enabled),
        user_type=first.user_type,
        company_found=first.company_id is not None,
        is_member=any(row.membership_id is not None for row in rows),
        second_factor_missing=any(row.enforce2fa for row in rows) and first.otp_id is None,
    )


async def _record_use(session: AsyncSession, row: Row[Any]) -> None:
    """As the full path does (at most once a minute), written at once with Core."""
    now = utcnow()
    if auth_service.stale(row.last_used_on, now):
        stmt = update(AccessToken).where(AccessToken.id == row.token_id)
        await (await db_session.connection(session)).execute(stmt.values(last_used_on=now))
    if auth_service.stale(row.last_seen_on, now):
        stmt = update(User).where(User.id == row.user_id)
        await (await db_session.connection(session)).execute(stmt.values(last_seen_on=now))


async def company_caller(
    request: Request,
    session: SessionDep,
    application_id: Annotated[str, Depends(headers.application_id)],
    company_id: Annotated[str, Depends(headers.company_id)],
    _version: Annotated[None, Depends(headers.api_version)],
    _scheme: Annotated[object, Depends(bearer_scheme)] = None,
) -> Caller:
    """The parameters, order of checks and answers of `authenticate_company`."""
    secret = bearer_secret(request)
    if secret is None:
        await auth_service.unknown_token(session, application_id)
        raise Unauthorized("Send Authorization: Bearer <token>", "Authorization")
    rows = await auth_repository.facts(
        session, security.token_hash(secret), application_id, company_id
    )
    if not rows:
        raise await auth_service.unknown_token(session, application_id)
    auth_service.check(_facts(rows), company_id, route_rel(request), request.method)
    first = rows[0]
    await _record_use(session, first)
    actor = audit_context.client_actor(first.user_public_id, first.user_name, first.user_type)
    audit_context.identify_as(session, actor, first.application_name, first.company_public_id)
    request.state.caller = (first.user_public_id, first.company_public_id)
    return Caller(
        user_id=first.user_id,
        user_public_id=first.user_public_id,
        company_id=first.company_id,
        company_public_id=first.company_public_id,
        permissions=effective({row.permission for row in rows if row.permission is not None}),
    )


CompanyReader = Annotated[Caller, Depends(company_caller)]


def read_permission(*permissions: Permission) -> dict[str, Any]:
    """`permission` (app/auth/dependencies.py) for operations that take a `CompanyReader`."""

    async def dependency(caller: CompanyReader) -> Caller:
        caller.assert_permission(*permissions)
        return caller

    dependency.required_permissions = permissions  # type: ignore[attr-defined]  # for the docs
    return {
        "dependencies": [Depends(dependency)],
        "openapi_extra": {"x-permissions": [p.value for p in permissions]},
    }
