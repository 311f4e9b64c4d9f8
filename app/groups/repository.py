from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from app.db.repository import Repository
from app.groups.models import Group, GroupType

WITH_TYPE_AND_PARENT = (
    joinedload(Group.type),
    joinedload(Group.parent).joinedload(Group.type),
)


class GroupRepository(Repository[Group]):
    model = Group

    def of_company(self, company_id: int) -> Select[Group]:
        return select(Group).where(Group.company_id == company_id)

    async def get(self, company_id: int, public_id: str) -> Group | None:
        return await self.by_public_id(
            public_id, Group.company_id == company_id, options=WITH_TYPE_AND_PARENT
        )

    async def company_group(self, company_id: int) -> Group | None:
        stmt = select(Group).where(Group.company_id == company_id, Group.is_company_group.is_(True))
        return await self.one_or_none(stmt)


class GroupTypeRepository(Repository[GroupType]):
    model = GroupType

    def of_company(self, company_id: int) -> Select[GroupType]:
        return select(GroupType).where(GroupType.company_id == company_id)

    async def get(self, company_id: int, public_id: str) -> GroupType | None:
        return await self.by_public_id(public_id, GroupType.company_id == company_id)
