"""The one query behind every authenticated request.

Token (by its indexed hash), its user and application, the application the request names
and, when `Api-Company` is sent, the company with the permissions the user's live memberships
grant there: one round trip, one row per granted permission.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, contains_eager

from app.access_tokens.models import AccessToken
from app.applications.models import Application
from app.companies.models import Company
from app.memberships.models import Membership
from app.memberships.repository import live
from app.roles.models import RolePermission
from app.users.models import User


@dataclass(slots=True)
class Resolved:
    token: AccessToken | None = None
    application: Application | None = None
    company: Company | None = None
    is_member: bool = False
    permissions: set[str] = field(default_factory=set)


async def resolve(
    session: AsyncSession, secret_hash: str, application_id: str, company_id: str | None
) -> Resolved:
    token_app = aliased(Application)
    named_app = aliased(Application)
    stmt = (
        select(AccessToken, named_app)
        .join(AccessToken.user)
        .join(token_app, AccessToken.application)
        .outerjoin(named_app, named_app.public_id == application_id)
        .where(AccessToken.secret_hash == secret_hash)
        .options(
            contains_eager(AccessToken.user),
            contains_eager(AccessToken.application.of_type(token_app)),
        )
    )
    if company_id is not None:
        stmt = (
            stmt.add_columns(Company, Membership.id, RolePermission.permission)
            .outerjoin(Company, Company.public_id == company_id)
            .outerjoin(
                Membership,
                and_(Membership.company_id == Company.id, Membership.user_id == User.id, live()),
            )
            .outerjoin(RolePermission, RolePermission.role_id == Membership.role_id)
        )
    else:
        stmt = stmt.add_columns(literal(None), literal(None), literal(None))
    rows: list[Any] = list((await session.execute(stmt)).unique().all())
    if not rows:
        return Resolved()
    token, application, company = rows[0][0], rows[0][1], rows[0][2]
    return Resolved(
        token=token,
        application=application,
        company=company,
        is_member=any(row[3] is not None for row in rows),
        permissions={row[4] for row in rows if row[4] is not None},
    )
