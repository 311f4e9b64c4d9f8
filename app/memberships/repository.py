from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.auth.permissions import Permission
from app.companies.models import Company
from app.core.clock import utcnow
from app.db.repository import Repository
from app.memberships.models import Membership
from app.roles.models import RolePermission
from app.users.models import PERSON, User


def live() -> ColumnElement[bool]:
    """A membership that has not expired: expired ones grant nothing."""
    return or_(Membership.expires_on.is_(None), Membership.expires_on > utcnow())


class MembershipRepository(Repository[Membership]):
    model = Membership

    async def company_access(
        self, user_id: int, company_public_id: str
    ) -> tuple[Company | None, set[str]]:
        """The company and the permissions the user's live memberships there grant: one query."""
        stmt = (
            select(Company, RolePermission.permission)
            .join(
                Membership, (Membership.company_id == Company.id) & (Membership.user_id == user_id)
            )
            .outerjoin(RolePermission, RolePermission.role_id == Membership.role_id)
            .where(Company.public_id == company_public_id, live())
        )
        rows = (await self.session.execute(stmt)).all()
        if not rows:
            return None, set()
        return rows[0][0], {permission for _, permission in rows if permission is not None}

    async def has_live_admin(self, company_id: int) -> bool:
        stmt = (
            select(Membership.id)
            .join(RolePermission, RolePermission.role_id == Membership.role_id)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.company_id == company_id,
                RolePermission.permission == Permission.COMPANY_ADMIN.value,
                User.type == PERSON,
                live(),
            )
            .limit(1)
        )
        return (await self.session.scalar(stmt)) is not None
