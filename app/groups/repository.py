from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from app.core.querying import Page, paginate_rows
from app.db.repository import Repository
from app.groups.models import Group, GroupType
from app.memberships.models import Membership
from app.roles.models import Role

WITH_TYPE_AND_PARENT = (
    joinedload(Group.type),
    joinedload(Group.parent).joinedload(Group.type),
)


_TYPE = aliased(GroupType, name="group_type")
_PARENT = aliased(Group, name="parent")
_PARENT_TYPE = aliased(GroupType, name="parent_type")


def _type_columns(entity: Any, prefix: str) -> list[Any]:
    names = ("public_id", "name", "description", "order", "color", "custom")
    return [getattr(entity, name).label(f"{prefix}{name}") for name in names]


# `GET /groups` as Core rows: a group, its type, its parent and the parent's type, one row
# (app/groups/presenters.py `group_row`).
ROWS = (
    select(
        Group.id,
        Group.public_id,
        Group.name,
        Group.custom,
        Group.is_company_group,
        _PARENT.public_id.label("parent_public_id"),
        _PARENT.name.label("parent_name"),
        *_type_columns(_TYPE, "type_"),
        *_type_columns(_PARENT_TYPE, "parent_type_"),
    )
    .outerjoin(_TYPE, _TYPE.id == Group.type_id)
    .outerjoin(_PARENT, _PARENT.id == Group.parent_id)
    .outerjoin(_PARENT_TYPE, _PARENT_TYPE.id == _PARENT.type_id)
)


class GroupRepository(Repository[Group]):
    model = Group

    async def page_rows(
        self, company_id: int, where: Sequence[Any], page: Page
    ) -> tuple[list[Row[Any]], str | None]:
        stmt = ROWS.where(Group.company_id == company_id, *where)
        return await paginate_rows(self.session, stmt, Group, page)

    def of_company(self, company_id: int) -> Select[Group]:
        return select(Group).where(Group.company_id == company_id)

    async def get(self, company_id: int, public_id: str) -> Group | None:
        return await self.by_public_id(
            public_id, Group.company_id == company_id, options=WITH_TYPE_AND_PARENT
        )

    async def company_group(self, company_id: int) -> Group | None:
        stmt = select(Group).where(Group.company_id == company_id, Group.is_company_group.is_(True))
        return await self.one_or_none(stmt)

    async def get_many(self, company_id: int, public_ids: Sequence[str]) -> dict[str, Group]:
        """The company's groups among ``public_ids``, by public id."""
        if not public_ids:
            return {}
        stmt = self.of_company(company_id).where(Group.public_id.in_(set(public_ids)))
        return {group.public_id: group for group in await self.session.scalars(stmt)}

    async def parents(self, company_id: int) -> dict[int, int | None]:
        """Every group of the company (id -> parent id): two integers a group, for the cycle
        check of a re-parenting."""
        rows = await self.session.execute(
            select(Group.id, Group.parent_id).where(Group.company_id == company_id)
        )
        return {group_id: parent_id for group_id, parent_id in rows}

    async def children_outside(
        self, parent_ids: Sequence[int], excluded: Sequence[int]
    ) -> dict[int, list[str]]:
        """Names of the child groups of ``parent_ids`` that are not in ``excluded``, by parent."""
        if not parent_ids:
            return {}
        rows = await self.session.execute(
            select(Group.parent_id, Group.name)
            .where(Group.parent_id.in_(parent_ids), Group.id.not_in(excluded))
            .order_by(Group.id)
        )
        found: dict[int, list[str]] = {}
        for parent_id, name in rows:
            if parent_id is not None:
                found.setdefault(parent_id, []).append(name)
        return found

    def of_member(self, company_id: int, user_id: int) -> Select[Group]:
        """The company's groups where the user holds a live membership."""
        groups = select(Membership.group_id).where(
            Membership.company_id == company_id, Membership.user_id == user_id, Membership.live()
        )
        return self.of_company(company_id).where(Group.id.in_(groups))

    async def member_roles(
        self, company_id: int, user_id: int, group_ids: Sequence[int]
    ) -> dict[int, list[Role]]:
        """The roles of the user's live memberships in ``group_ids``, by group, oldest first."""
        if not group_ids:
            return {}
        rows = await self.session.execute(
            select(Membership.group_id, Role)
            .join(Role, Role.id == Membership.role_id)
            .where(
                Membership.company_id == company_id,
                Membership.user_id == user_id,
                Membership.group_id.in_(group_ids),
                Membership.live(),
            )
            .order_by(Role.id)
            .options(selectinload(Role.permissions))
        )
        found: dict[int, list[Role]] = {}
        for group_id, role in rows:
            roles = found.setdefault(group_id, [])
            if role not in roles:
                roles.append(role)
        return found


class GroupTypeRepository(Repository[GroupType]):
    model = GroupType

    def of_company(self, company_id: int) -> Select[GroupType]:
        return select(GroupType).where(GroupType.company_id == company_id)

    async def get(self, company_id: int, public_id: str) -> GroupType | None:
        return await self.by_public_id(public_id, GroupType.company_id == company_id)

    async def get_many(self, company_id: int, public_ids: Sequence[str]) -> dict[str, GroupType]:
        if not public_ids:
            return {}
        stmt = self.of_company(company_id).where(GroupType.public_id.in_(set(public_ids)))
        return {found.public_id: found for found in await self.session.scalars(stmt)}

    async def names(self, company_id: int) -> dict[int, str]:
        rows = await self.session.execute(
            select(GroupType.id, GroupType.name).where(GroupType.company_id == company_id)
        )
        return {type_id: name for type_id, name in rows}

    async def group_counts(self, type_ids: Sequence[int]) -> dict[int, int]:
        """How many groups use each type; types no group uses are absent."""
        if not type_ids:
            return {}
        rows = await self.session.execute(
            select(Group.type_id, func.count())
            .where(Group.type_id.in_(type_ids))
            .group_by(Group.type_id)
        )
        return {type_id: count for type_id, count in rows if type_id is not None}
