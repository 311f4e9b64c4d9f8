"""Whom a company-scoped command (`ixon-api users`, `invite`) acts as: the person named with
``--as``, else the company's longest-standing administrator, with their permissions there
checked as for an API call."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.access_tokens.models import AccessToken
from app.applications.models import Application
from app.audit import context as audit_context
from app.auth.context import AuthContext
from app.auth.permissions import Permission
from app.companies.models import Company
from app.core.errors import NotFound
from app.memberships import service as membership_service
from app.memberships.models import Membership
from app.roles.models import RolePermission
from app.users import service as user_service
from app.users.models import PERSON, User


async def _first_admin(session: AsyncSession, company_id: str) -> User | None:
    """The person holding COMPANY_ADMIN through the company's oldest live membership."""
    stmt = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .join(Company, Company.id == Membership.company_id)
        .join(RolePermission, RolePermission.role_id == Membership.role_id)
        .where(
            Company.public_id == company_id,
            User.type == PERSON,
            RolePermission.permission == Permission.COMPANY_ADMIN.value,
            Membership.live(),
        )
        .order_by(Membership.id)
        .limit(1)
    )
    return (await session.scalars(stmt)).first()


async def acting_in(
    session: AsyncSession, company_id: str, as_email: str | None, needs: Permission
) -> AuthContext:
    """The context of a person of the company, as authentication would build it, holding
    ``needs`` (the permission the matching API route declares)."""
    if as_email is not None:
        user = await user_service.by_email(session, as_email)
        if user is None:
            raise NotFound(f"No account has the e-mail address {as_email}", "--as")
    else:
        user = await _first_admin(session, company_id)
        if user is None:
            raise NotFound(f"Company {company_id} not found, or it has no administrator")
    company, permissions = await membership_service.company_access(
        session, user, company_id, "--company"
    )
    # Neither row is ever added to the session: no token is issued for a command.
    application = Application(name="ixon-api (command line)")
    token = AccessToken(user_id=user.id, secret_hash="")
    auth = AuthContext(user, token, application, company, permissions)
    auth.assert_permission(needs)
    audit_context.identify(session, auth)
    return auth
