"""Group types, per company: names are unique within a company (case-insensitive, trimmed;
409 on ``name``), like role names, and held by a unique index the same way; a type that any
group uses cannot be deleted (409). Bulk writes are all or nothing."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.context import AuthContext
from app.core.errors import AppError, BadRequest, Conflict, combine, not_found
from app.core.names import park_renamed, plural, unique_names, unique_renames
from app.core.querying import FilterColumn, ListParams
from app.groups.models import GroupType
from app.groups.repository import GroupTypeRepository
from app.groups.schemas import GroupTypeBulkUpdate, GroupTypeCreate, GroupTypeUpdate

GROUP_TYPE_FILTERS = {
    "publicId": FilterColumn(GroupType.public_id),
    "name": FilterColumn(GroupType.name),
    "order": FilterColumn(GroupType.order, int),
    "color": FilterColumn(GroupType.color),
}


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


def _rename(group_type: GroupType | None, name: str | None) -> tuple[str, str] | None:
    return None if group_type is None or name is None else (group_type.name, name)


GROUP_TYPE_EDITABLE = ("name", "description", "order", "color", "custom")
TYPE_NAME_EXISTS = 'A group type named "{name}" exists already in this company'


async def create_group_types(
    session: AsyncSession, auth: AuthContext, items: Sequence[GroupTypeCreate]
) -> list[GroupType]:
    company = auth.company_or_raise
    clashes = unique_names(
        [item.name for item in items],
        (await GroupTypeRepository(session).names(company.id)).values(),
        exists=TYPE_NAME_EXISTS,
        repeated='The name "{name}" is given to more than one group type here',
    )
    if clashes:
        raise combine(list(clashes.values()))
    created = [
        GroupType(
            company_id=company.id,
            name=item.name,
            description=item.description,
            order=item.order,
            color=item.color,
            custom=item.custom,
        )
        for item in items
    ]
    session.add_all(created)
    await session.flush()
    return created


async def update_group_types(
    session: AsyncSession, auth: AuthContext, items: Sequence[GroupTypeBulkUpdate]
) -> None:
    await _update_group_types(session, auth, [(item.publicId, item) for item in items], bulk=True)


async def update_group_type(
    session: AsyncSession, auth: AuthContext, public_id: str, patch: GroupTypeUpdate
) -> None:
    await _update_group_types(session, auth, [(public_id, patch)], bulk=False)


async def _update_group_types(
    session: AsyncSession,
    auth: AuthContext,
    changes: Sequence[tuple[str, GroupTypeUpdate]],
    *,
    bulk: bool,
) -> None:
    company = auth.company_or_raise
    repository = GroupTypeRepository(session)
    found = await repository.get_many(company.id, [public_id for public_id, _ in changes])
    renames = any(patch.name is not None for _, patch in changes)
    names = await repository.names(company.id) if renames else {}
    errors: list[AppError] = []
    seen: set[str] = set()
    for index, (public_id, patch) in enumerate(changes):
        group_type = found.get(public_id)
        if group_type is None:
            errors.append(not_found("Group type").at_index(index))
        elif public_id in seen:
            message = "This group type is listed more than once in the request"
            errors.append(BadRequest(message, "publicId").at_index(index))
        elif patch.name is not None:
            names[group_type.id] = patch.name
        seen.add(public_id)
    errors += unique_renames(
        [_rename(found.get(public_id), patch.name) for public_id, patch in changes],
        names.values(),
        exists=TYPE_NAME_EXISTS,
    )
    if errors:
        raise combine(errors, bulk=bulk)
    await park_renamed(session, [(found[public_id], patch.name) for public_id, patch in changes])
    for public_id, patch in changes:
        values = patch.model_dump(exclude_unset=True)
        for name in GROUP_TYPE_EDITABLE:
            if name in values:
                setattr(found[public_id], name, values[name])
    await session.flush()


async def delete_group_types(
    session: AsyncSession, auth: AuthContext, public_ids: Sequence[str], *, bulk: bool = True
) -> None:
    company = auth.company_or_raise
    repository = GroupTypeRepository(session)
    found = await repository.get_many(company.id, public_ids)
    in_use = await repository.group_counts([t.id for t in found.values()])
    errors: list[AppError] = []
    chosen: dict[int, GroupType] = {}
    for index, public_id in enumerate(public_ids):
        group_type = found.get(public_id)
        if group_type is None:
            errors.append(not_found("Group type").at_index(index))
        elif group_type.id in in_use:
            used = plural(in_use[group_type.id], "group")
            message = (
                f'Group type "{group_type.name}" is used by {used}; give them another type '
                "before deleting it"
            )
            errors.append(Conflict(message, "publicId").at_index(index))
        else:
            chosen[group_type.id] = group_type
    if errors:
        raise combine(errors, bulk=bulk)
    await session.flush()
    await repository.delete_ids(list(chosen))
