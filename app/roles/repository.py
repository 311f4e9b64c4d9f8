from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from app.db.repository import Repository
from app.roles.models import Role

WITH_PERMISSIONS = (selectinload(Role.permissions),)


class RoleRepository(Repository[Role]):
    model = Role

    def of_company(self, company_id: int) -> Select[Role]:
        return select(Role).where(Role.company_id == company_id)

    async def get(self, company_id: int, public_id: str) -> Role | None:
        return await self.by_public_id(
            public_id, Role.company_id == company_id, options=WITH_PERMISSIONS
        )
