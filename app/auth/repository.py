"""The one query behind every authenticated request.

Token (by its indexed hash), its user and application, the application the request names
and, when `Api-Company` is sent, the company with the permissions the user's live memberships
grant there: one round trip, one row per granted permission.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, bindparam, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, contains_eager

from app.access_tokens.models import AccessToken
from app.applications.models import Application
from app.companies.models import Company
from app.core.clock import utcnow
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


def _statement(with_company: bool) -> Select[Any]:
    """Built once: the hot path only binds values (no statement building per request)."""
    stmt = (
        select(AccessToken, _NAMED_APP)
        .join(AccessToken.user)
        .join(_TOKEN_APP, AccessToken.application)
        .outerjoin(_NAMED_APP, _NAMED_APP.public_id == bindparam("application_id"))
        .where(AccessToken.secret_hash == bindparam("secret_hash"))
        .options(
            contains_eager(AccessToken.user),
            contains_eager(AccessToken.application.of_type(_TOKEN_APP)),
        )
    )
    if not with_company:
        return stmt.add_columns(*(literal(None) for _ in range(5)))
    live = Membership.live(bindparam("now", type_=Membership.expires_on.type))
    return (
        stmt.add_columns(
            Company, Membership.id, RolePermission.permission, Role.enforce2fa, OtpAuth.id
        )
        .outerjoin(Company, Company.public_id == bindparam("company_id"))
        .outerjoin(
            Membership,
            and_(Membership.company_id == Company.id, Membership.user_id == User.id, live),
        )
        .outerjoin(RolePermission, RolePermission.role_id == Membership.role_id)
        .outerjoin(Role, Role.id == Membership.role_id)
        .outerjoin(OtpAuth, and_(OtpAuth.user_id == User.id, OtpAuth.verified_on.is_not(None)))
    )


_WITH_COMPANY = _statement(with_company=True)
_WITHOUT_COMPANY = _statement(with_company=False)


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
