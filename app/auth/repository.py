"""The one query behind every authenticated request.

Token (by its indexed hash), its user and application, the application the request names
and, when `Api-Company` is sent, the company with the permissions the user's live memberships
grant there: one round trip, one row per granted permission.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, Select, and_, bindparam, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, contains_eager

from app.access_tokens.models import AccessToken
from app.applications.models import Application
from app.companies.models import Company
from app.core.clock import utcnow
from app.db import session as db_session
from app.memberships.models import Membership
from app.otp_auth.models import OtpAuth
from app.roles.models import Role, RolePermission
from app.users.models import User


@dataclass(slots=True)
class Resolved:
    token: AccessToken | None = None
    application: Application | None = None
    company: Company | None = None
    is_member: bool = False
    permissions: set[str] = field(default_factory=set)
    # A role of a live membership there requires 2FA, and the user has not turned it on.
    second_factor_missing: bool = False


_TOKEN_APP = aliased(Application, name="token_application")
_NAMED_APP = aliased(Application, name="named_application")


def _joins(stmt: Select[Any]) -> Select[Any]:
    return (
        stmt.join(User, User.id == AccessToken.user_id)
        .join(_TOKEN_APP, _TOKEN_APP.id == AccessToken.application_id)
        .outerjoin(_NAMED_APP, _NAMED_APP.public_id == bindparam("application_id"))
        .where(AccessToken.secret_hash == bindparam("secret_hash"))
    )


def _company_joins(stmt: Select[Any]) -> Select[Any]:
    live = Membership.live(bindparam("now", type_=Membership.expires_on.type))
    return (
        stmt.outerjoin(Company, Company.public_id == bindparam("company_id"))
        .outerjoin(
            Membership,
            and_(Membership.company_id == Company.id, Membership.user_id == User.id, live),
        )
        .outerjoin(RolePermission, RolePermission.role_id == Membership.role_id)
        .outerjoin(Role, Role.id == Membership.role_id)
        .outerjoin(OtpAuth, and_(OtpAuth.user_id == User.id, OtpAuth.verified_on.is_not(None)))
    )


def _statement(with_company: bool) -> Select[Any]:
    """Built once: the hot path only binds values (no statement building per request)."""
    entities: Any = select(AccessToken, _NAMED_APP)
    stmt = _joins(entities).options(
        contains_eager(AccessToken.user),
        contains_eager(AccessToken.application.of_type(_TOKEN_APP)),
    )
    if not with_company:
        return stmt.add_columns(*(literal(None) for _ in range(5)))
    company = (Company, Membership.id, RolePermission.permission, Role.enforce2fa, OtpAuth.id)
    return _company_joins(stmt.add_columns(*company))


# The read path's (app/auth/reader.py): the same joins, plain columns, no ORM objects.
_FACT_COLUMNS = {
    "token_id": AccessToken.id,
    "expires_on": AccessToken.expires_on,
    "scope": AccessToken.scope,
    "last_used_on": AccessToken.last_used_on,
    "user_id": User.id,
    "user_public_id": User.public_id,
    "user_name": User.name,
    "user_type": User.type,
    "last_seen_on": User.last_seen_on,
    "owner_id": _TOKEN_APP.id,
    "owner_user_id": _TOKEN_APP.owner_user_id,
    "owner_enabled": _TOKEN_APP.enabled,
    "application_id": _NAMED_APP.id,
    "application_enabled": _NAMED_APP.enabled,
    "application_name": _NAMED_APP.name,
    "company_id": Company.id,
    "company_public_id": Company.public_id,
    "membership_id": Membership.id,
    "permission": RolePermission.permission,
    "enforce2fa": Role.enforce2fa,
    "otp_id": OtpAuth.id,
}
FACTS = _company_joins(
    _joins(select(*(column.label(name) for name, column in _FACT_COLUMNS.items())))
)


_WITH_COMPANY = _statement(with_company=True)
_WITHOUT_COMPANY = _statement(with_company=False)


async def facts(
    session: AsyncSession, secret_hash: str, application_id: str, company_id: str
) -> list[Row[Any]]:
    """One row per permission granted (at least one when the token is known), as Core rows."""
    values = {
        "secret_hash": secret_hash,
        "application_id": application_id,
        "company_id": company_id,
        "now": utcnow(),
    }
    connection = await db_session.connection(session)
    return list((await connection.execute(FACTS, values)).all())


async def resolve(
    session: AsyncSession, secret_hash: str, application_id: str, company_id: str | None
) -> Resolved:
    values: dict[str, Any] = {"secret_hash": secret_hash, "application_id": application_id}
    if company_id is not None:
        values |= {"company_id": company_id, "now": utcnow()}
    stmt = _WITH_COMPANY if company_id is not None else _WITHOUT_COMPANY
    rows: list[Any] = list((await session.execute(stmt, values)).unique().all())
    if not rows:
        return Resolved()
    token, application, company = rows[0][0], rows[0][1], rows[0][2]
    return Resolved(
        token=token,
        application=application,
        company=company,
        is_member=any(row[3] is not None for row in rows),
        permissions={row[4] for row in rows if row[4] is not None},
        second_factor_missing=any(row[5] for row in rows) and rows[0][6] is None,
    )
