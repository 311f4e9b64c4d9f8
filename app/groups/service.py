"""Groups (with the one company group), per company; their types are in app/groups/types.py.

The rules where IXON's contract says nothing (ours, kept in one place):

- **The tree has one root, the company group.** A group created without ``parent`` (or given
  ``parent: null`` in a PATCH) hangs directly under the company group, so every group is
  reachable from it and a company-wide membership covers everything. Only the company group has
  no parent. It can never be deleted (409) nor given a parent (400); it may be renamed and typed.
- **References stay in the company.** ``type`` and ``parent`` must name a group type / group of
  the same company; another company's id answers exactly like an unknown one (404 naming the
  property), so nothing about other companies leaks.
- **No cycles.** A group cannot become its own parent or the child of one of its descendants
  (400 on ``parent``); a bulk PATCH is checked on the tree it would produce.
- **Children first.** A group that still has child groups cannot be deleted (409) unless the
  children are deleted in the same request. Deleting a group deletes its memberships (database
  cascade), and is refused (409, rolled back) if that would leave the company without a person
  holding COMPANY_ADMIN.
- **Group names repeat**: unlike group types' names (app/groups/types.py), they need not be
  unique, as trees repeat names ("Line 1" at each site).
- Bulk writes are all or nothing: every item is checked, every failing item reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.auth.context import AuthContext, CompanyScoped
from app.companies.models import Company
from app.core.errors import AppError, BadRequest, Conflict, combine, not_found
from app.core.names import plural
from app.core.querying import FilterColumn, ListParams
from app.groups.models import Group, GroupType
from app.groups.repository import WITH_TYPE_AND_PARENT, GroupRepository, GroupTypeRepository
from app.groups.schemas import (
    GroupBulkUpdate,
    GroupCreate,
    GroupUpdate,
)
from app.memberships import service as membership_service
from app.roles.models import Role

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
# `GET /groups/roles` filters on each item's group.
GROUP_ROLE_FILTERS = {f"group.{name}": column for name, column in GROUP_FILTERS.items()}


async def create_company_group(session: AsyncSession, company: Company) -> Group:
    return await GroupRepository(session).add(
        Group(company_id=company.id, name=company.name, is_company_group=True)
    )


async def list_groups(
    session: AsyncSession, auth: CompanyScoped, params: ListParams
) -> tuple[list[Group], str | None]:
    repository = GroupRepository(session)
    stmt = repository.of_company(auth.company_id).where(*params.where(GROUP_FILTERS))
    return await repository.page(stmt, params, WITH_TYPE_AND_PARENT)


async def list_group_rows(
    session: AsyncSession, auth: CompanyScoped, params: ListParams
) -> tuple[list[Row[Any]], str | None]:
    """`list_groups` for `GET /groups`: Core rows (app/groups/repository.py `ROWS`)."""
    where = params.where(GROUP_FILTERS)
    return await GroupRepository(session).page_rows(auth.company_id, where, params.page)


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


async def create_groups(
    session: AsyncSession, auth: AuthContext, items: Sequence[GroupCreate]
) -> list[Group]:
    """New groups; one without ``parent`` hangs directly under the company group."""
    company = auth.company_or_raise
    groups = GroupRepository(session)
    types = await GroupTypeRepository(session).get_many(
        company.id, [item.type.publicId for item in items]
    )
    parents = await groups.get_many(
        company.id, [item.parent.publicId for item in items if item.parent is not None]
    )
    root = await groups.company_group(company.id)
    assert root is not None, "every company has its company group"
    errors: list[AppError] = []
    created: list[Group] = []
    for index, item in enumerate(items):
        group_type = types.get(item.type.publicId)
        parent = root if item.parent is None else parents.get(item.parent.publicId)
        if group_type is None:
            errors.append(not_found("Group type", "type").at_index(index))
        if parent is None:
            errors.append(not_found("Parent group", "parent").at_index(index))
        if group_type is None or parent is None:
            continue
        created.append(
            Group(
                company_id=company.id,
                name=item.name,
                type_id=group_type.id,
                parent_id=parent.id,
                custom=item.custom,
            )
        )
    if errors:
        raise combine(errors)
    session.add_all(created)
    await session.flush()
    return created


async def update_groups(
    session: AsyncSession, auth: AuthContext, items: Sequence[GroupBulkUpdate]
) -> None:
    await _update_groups(session, auth, [(item.publicId, item) for item in items], bulk=True)


async def update_group(
    session: AsyncSession, auth: AuthContext, public_id: str, patch: GroupUpdate
) -> None:
    await _update_groups(session, auth, [(public_id, patch)], bulk=False)


def _creates_cycle(parents: dict[int, int | None], group_id: int) -> bool:
    """Whether walking up from ``group_id`` in ``parents`` comes back to it."""
    seen: set[int] = set()
    current = parents.get(group_id)
    while current is not None and current not in seen:
        if current == group_id:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


async def _update_groups(
    session: AsyncSession,
    auth: AuthContext,
    changes: Sequence[tuple[str, GroupUpdate]],
    *,
    bulk: bool,
) -> None:
    company = auth.company_or_raise
    groups = GroupRepository(session)
    found = await groups.get_many(company.id, [public_id for public_id, _ in changes])
    types = await GroupTypeRepository(session).get_many(
        company.id, [patch.type.publicId for _, patch in changes if patch.type is not None]
    )
    parents = await groups.get_many(
        company.id, [patch.parent.publicId for _, patch in changes if patch.parent is not None]
    )
    moves = any("parent" in patch.model_fields_set for _, patch in changes)
    root = await groups.company_group(company.id) if moves else None
    tree = await groups.parents(company.id) if moves else {}
    errors: list[AppError] = []
    seen: set[str] = set()
    moved: dict[int, int] = {}  # group id -> index of the item that moves it
    for index, (public_id, patch) in enumerate(changes):
        group = found.get(public_id)
        if group is None:
            errors.append(not_found("Group").at_index(index))
            continue
        if public_id in seen:
            message = "This group is listed more than once in the request"
            errors.append(BadRequest(message, "publicId").at_index(index))
            continue
        seen.add(public_id)
        if patch.type is not None and patch.type.publicId not in types:
            errors.append(not_found("Group type", "type").at_index(index))
        if "parent" not in patch.model_fields_set:
            continue
        if group.is_company_group:
            if patch.parent is not None:
                message = "The company group is the root of the company's groups: it has no parent"
                errors.append(BadRequest(message, "parent").at_index(index))
            continue
        assert root is not None
        parent = root if patch.parent is None else parents.get(patch.parent.publicId)
        if parent is None:
            errors.append(not_found("Parent group", "parent").at_index(index))
        elif parent.id == group.id:
            errors.append(BadRequest("A group cannot be its own parent", "parent").at_index(index))
        else:
            tree[group.id] = parent.id
            moved[group.id] = index
    # Cycles are looked for in the tree the whole request would produce.
    for group_id, index in moved.items():
        if _creates_cycle(tree, group_id):
            message = "This parent would put the group inside itself (a cycle)"
            errors.append(BadRequest(message, "parent").at_index(index))
    if errors:
        raise combine(errors, bulk=bulk)
    for public_id, patch in changes:
        group = found[public_id]
        if patch.name is not None:
            group.name = patch.name
        if patch.type is not None:
            group.type_id = types[patch.type.publicId].id
        if patch.custom is not None:
            group.custom = patch.custom
        if group.id in moved:
            group.parent_id = tree[group.id]
    await session.flush()


async def delete_groups(
    session: AsyncSession, auth: AuthContext, public_ids: Sequence[str], *, bulk: bool = True
) -> None:
    """Deletes groups with their memberships; children must go in the same request."""
    company = auth.company_or_raise
    await membership_service.lock_companies(session, [company.id])
    groups = GroupRepository(session)
    found = await groups.get_many(company.id, public_ids)
    ids = [group.id for group in found.values()]
    children = await groups.children_outside(ids, ids)
    errors: list[AppError] = []
    for index, public_id in enumerate(public_ids):
        group = found.get(public_id)
        if group is None:
            errors.append(not_found("Group").at_index(index))
        elif group.is_company_group:
            message = "The company group cannot be deleted"
            errors.append(Conflict(message, "publicId").at_index(index))
        elif group.id in children:
            names = children[group.id]
            shown = ", ".join(f'"{n}"' for n in names[:5]) + (", ..." if len(names) > 5 else "")
            message = (
                f'Group "{group.name}" still has {plural(len(names), "child group")} ({shown}); '
                "delete or move them first, or delete them in the same request"
            )
            errors.append(Conflict(message, "publicId").at_index(index))
    if errors:
        raise combine(errors, bulk=bulk)
    await groups.delete_ids(ids)
    await session.flush()
    await membership_service.assert_admin_remains(session, company.id)


@dataclass(frozen=True, slots=True)
class GroupRoles:
    group: Group
    roles: list[Role]


async def list_my_group_roles(
    session: AsyncSession, auth: AuthContext, params: ListParams
) -> tuple[list[GroupRoles], str | None]:
    """``GET /groups/roles``: each group of the company where the caller holds a live
    membership, with the roles those memberships give (a membership without a role lists the
    group with no roles). Paged on the groups."""
    company, user = auth.company_or_raise, auth.user
    groups = GroupRepository(session)
    rows, more = await groups.page(
        groups.of_member(company.id, user.id).where(*params.where(GROUP_ROLE_FILTERS)),
        params,
        WITH_TYPE_AND_PARENT,
    )
    roles = await groups.member_roles(company.id, user.id, [group.id for group in rows])
    return [GroupRoles(group, roles.get(group.id, [])) for group in rows], more
