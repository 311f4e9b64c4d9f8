"""Groups (with the one company group) and group types, per company."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.auth.context import AuthContext
from app.companies.models import Company
from app.core.errors import not_found
from app.core.querying import FilterColumn, ListParams
from app.groups.models import Group, GroupType
from app.groups.repository import WITH_TYPE_AND_PARENT, GroupRepository, GroupTypeRepository

_Parent = aliased(Group)
_Type = aliased(GroupType)

GROUP_FILTERS = {
    "publicId": FilterColumn(Group.public_id),
    "name": FilterColumn(Group.name),
    "isCompanyGroup": FilterColumn(Group.is_company_group, bool),
    "createdOn": FilterColumn(Group.created_on, datetime),
    "type": FilterColumn(
        select(_Type.public_id).where(_Type.id == Group.type_id).scalar_subquery()
    ),
    "type.publicId": FilterColumn(
        select(_Type.public_id).where(_Type.id == Group.type_id).scalar_subquery()
    ),
    "type.name": FilterColumn(
        select(_Type.name).where(_Type.id == Group.type_id).scalar_subquery()
    ),
    "parent": FilterColumn(
        select(_Parent.public_id).where(_Parent.id == Group.parent_id).scalar_subquery()
    ),
    "parent.publicId": FilterColumn(
        select(_Parent.public_id).where(_Parent.id == Group.parent_id).scalar_subquery()
    ),
}
GROUP_TYPE_FILTERS = {
    "publicId": FilterColumn(GroupType.public_id),
    "name": FilterColumn(GroupType.name),
    "order": FilterColumn(GroupType.order, int),
    "color": FilterColumn(GroupType.color),
}


async def create_company_group(session: AsyncSession, company: Company) -> Group:
    return await GroupRepository(session).add(
        Group(company_id=company.id, name=company.name, is_company_group=True)
    )


async def list_groups(
    session: AsyncSession, auth: AuthContext, params: ListParams
) -> tuple[list[Group], str | None]:
    repository = GroupRepository(session)
    stmt = repository.of_company(auth.company_or_raise.id).where(*params.where(GROUP_FILTERS))
    return await repository.page(stmt, params, WITH_TYPE_AND_PARENT)


async def get_group(
    session: AsyncSession, auth: AuthContext, public_id: str, params: ListParams | None = None
) -> Group:
    where = params.where(GROUP_FILTERS) if params else []
    group = await GroupRepository(session).by_public_id(
        public_id,
        Group.company_id == auth.company_or_raise.id,
        *where,
        options=WITH_TYPE_AND_PARENT,
    )
    if group is None:
        raise not_found("Group")
    return group


async def list_group_types(
    session: AsyncSession, auth: AuthContext, params: ListParams
) -> tuple[list[GroupType], str | None]:
    repository = GroupTypeRepository(session)
    stmt = repository.of_company(auth.company_or_raise.id).where(*params.where(GROUP_TYPE_FILTERS))
    return await repository.page(stmt, params)


async def get_group_type(
    session: AsyncSession, auth: AuthContext, public_id: str, params: ListParams | None = None
) -> GroupType:
    where = params.where(GROUP_TYPE_FILTERS) if params else []
    found = await GroupTypeRepository(session).by_public_id(
        public_id, GroupType.company_id == auth.company_or_raise.id, *where
    )
    if found is None:
        raise not_found("Group type")
    return found
