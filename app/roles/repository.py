from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from app.db.repository import Repository
from app.memberships.models import Membership
from app.roles.models import Role, RolePermission

WITH_PERMISSIONS = (selectinload(Role.permissions),)


class RoleRepository(Repository[Role]):
    model = Role

    def of_company(self, company_id: int) -> Select[Role]:
        return select(Role).where(Role.company_id == company_id)

    async def get(self, company_id: int, public_id: str) -> Role | None:
        return await self.by_public_id(
            public_id, Role.company_id == company_id, options=WITH_PERMISSIONS
        )

    async def get_many(self, company_id: int, public_ids: Sequence[str]) -> dict[str, Role]:
        """The company's roles among ``public_ids``, with their permissions, by public id."""
        if not public_ids:
            return {}
        stmt = (
            self.of_company(company_id)
            .where(Role.public_id.in_(set(public_ids)))
            .options(*WITH_PERMISSIONS)
        )
        return {role.public_id: role for role in await self.session.scalars(stmt)}

    async def permission_ids(self, role_ids: Sequence[int]) -> dict[int, list[str]]:
        """Each role's permission ids, in the order `Role.permissions` has them."""
        found: dict[int, list[str]] = {role_id: [] for role_id in role_ids}
        if role_ids:
            stmt = (
                select(RolePermission.role_id, RolePermission.permission)
                .where(RolePermission.role_id.in_(role_ids))
                .order_by(RolePermission.role_id, RolePermission.permission)
            )
            for role_id, permission in await self.session.execute(stmt):
                found[role_id].append(permission)
        return found

    async def names(self, company_id: int) -> dict[int, str]:
        """Every role name of the company, by internal id (a company has a handful of roles)."""
        rows = await self.session.execute(
            select(Role.id, Role.name).where(Role.company_id == company_id)
        )
        return {role_id: name for role_id, name in rows}

    async def membership_counts(self, role_ids: Sequence[int]) -> dict[int, int]:
        """How many memberships (of users or of pending invites, live or expired) use each
        role; roles no membership uses are absent."""
        if not role_ids:
            return {}
        rows = await self.session.execute(
            select(Membership.role_id, func.count())
            .where(Membership.role_id.in_(role_ids))
            .group_by(Membership.role_id)
        )
        return {role_id: count for role_id, count in rows if role_id is not None}
