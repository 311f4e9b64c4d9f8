"""Roles: per company, a name and a set of permissions.

The rules where IXON's contract says nothing (ours, kept in one place):

- **Names** are unique within a company, compared case-insensitively (trimmed). Two roles both
  called "Editor" cannot be told apart in an invite or a membership form. A clash is a 409 on
  ``name``; a rename to the role's own name is fine. The check here gives the message naming
  the item; a unique index on (company, lower(name)) holds it when two requests race (409).
- **Permission ids** must be in the catalogue (``GET /permissions``): otherwise 400, naming the
  property (``permissions`` on a role body, ``publicId`` on a permissions body) and the list index.
- **Nobody grants what they do not hold**: every permission given to a role must be among the
  caller's effective permissions (COMPANY_ADMIN implies all of them): otherwise 403.
- **Nobody changes a role more powerful than themselves**: editing, deleting, or changing the
  permissions of a role needs every catalogue permission the role grants. Otherwise someone with
  only MANAGE_ROLES could rename the Administrator role or strip COMPANY_ADMIN from it.
- **A role in use cannot be deleted**: any membership (a user's or a pending invite's, live or
  expired) that references it makes the delete a 409 that names the role.
- **The last administrator**: after a change that removes permissions or deletes roles, the company
  must still have a person with COMPANY_ADMIN through a live membership, else 409 (rolled back).
- **Audiences** are accepted on create and not stored; roles always answer ``audiences: []``.
- Bulk writes are all or nothing: every item is checked, every failing item reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.context import AuthContext, CompanyScoped
from app.auth.permissions import CATALOGUE, DEFAULT_ROLES, beyond
from app.companies.models import Company
from app.core.errors import AppError, BadRequest, Conflict, Forbidden, NotFound, combine, not_found
from app.core.names import park_renamed, plural, unique_names, unique_renames
from app.core.querying import FilterColumn, ListParams, paginate_rows, selects
from app.core.schemas import PublicIdItem
from app.memberships import service as membership_service
from app.roles.models import Role, RolePermission
from app.roles.repository import WITH_PERMISSIONS, RoleRepository
from app.roles.schemas import RoleBulkUpdate, RoleCreate, RoleOut, RoleUpdate

# IXON declares no `filters` on GET /roles, but its clients send `eq(name,"...")` there.
FILTERS = {
    "publicId": FilterColumn(Role.public_id),
    "name": FilterColumn(Role.name),
    "description": FilterColumn(Role.description),
    "enforce2fa": FilterColumn(Role.enforce2fa, bool),
    "enforceSso": FilterColumn(Role.enforce_sso, bool),
    "createdOn": FilterColumn(Role.created_on, datetime),
}
# What `GET /roles` reads of a role (app/roles/presenters.py `role_row`).
ROW_COLUMNS = (
    Role.id,
    Role.public_id,
    Role.name,
    Role.description,
    Role.enforce2fa,
    Role.enforce_sso,
    Role.custom,
)
# Wire name -> attribute, for PATCH.
EDITABLE = (
    ("name", "name"),
    ("description", "description"),
    ("enforce2fa", "enforce2fa"),
    ("enforceSso", "enforce_sso"),
    ("custom", "custom"),
)


async def seed_defaults(session: AsyncSession, company: Company) -> dict[str, Role]:
    """The roles every company starts with (DESIGN.md §3)."""
    roles = {}
    for name, (description, permissions) in DEFAULT_ROLES.items():
        role = Role(
            company_id=company.id,
            name=name,
            description=description,
            permissions=[RolePermission(permission=p.value) for p in sorted(permissions)],
        )
        session.add(role)
        roles[name] = role
    await session.flush()
    return roles


async def list_roles(
    session: AsyncSession, auth: CompanyScoped, params: ListParams
) -> tuple[list[Role], str | None]:
    repository = RoleRepository(session)
    stmt = repository.of_company(auth.company_id).where(*params.where(FILTERS))
    # The permissions cost a second query; load them only when the answer shows them.
    options = WITH_PERMISSIONS if selects(params.fields, "permissions", RoleOut) else ()
    return await repository.page(stmt, params, options)


async def list_role_rows(
    session: AsyncSession, auth: CompanyScoped, params: ListParams
) -> tuple[list[Row[Any]], dict[int, list[str]] | None, str | None]:
    """`list_roles` for `GET /roles`: Core rows, and each role's permission ids when the answer
    shows them (None otherwise)."""
    stmt = select(*ROW_COLUMNS).where(Role.company_id == auth.company_id)
    rows, more = await paginate_rows(session, stmt.where(*params.where(FILTERS)), Role, params.page)
    permissions = None
    if selects(params.fields, "permissions", RoleOut):
        permissions = await RoleRepository(session).permission_ids([row.id for row in rows])
    return rows, permissions, more


async def get_role(session: AsyncSession, auth: AuthContext, public_id: str) -> Role:
    role = await RoleRepository(session).get(auth.company_or_raise.id, public_id)
    if role is None:
        raise not_found("Role")
    return role


NAME_EXISTS = 'A role named "{name}" exists already in this company'


def _rename(role: Role | None, name: str | None) -> tuple[str, str] | None:
    return None if role is None or name is None else (role.name, name)


def _check_permissions(
    auth: AuthContext, raw_ids: Iterable[str], property_name: str
) -> tuple[set[str], list[AppError]]:
    """The catalogue ids among ``raw_ids`` and an error for each unknown or ungrantable one."""
    valid: set[str] = set()
    errors: list[AppError] = []
    for raw in raw_ids:
        if raw not in CATALOGUE:
            errors.append(
                BadRequest(
                    f"'{raw}' is not a permission; GET /permissions lists them", property_name
                )
            )
        elif beyond(auth.permissions, [raw]):
            errors.append(
                Forbidden(f"You cannot grant {raw}: you do not hold it yourself", property_name)
            )
        else:
            valid.add(raw)
    return valid, errors


def _assert_may_change(auth: AuthContext, role: Role, property_name: str = "publicId") -> None:
    lacking = beyond(auth.permissions, role.permission_ids)
    if lacking:
        raise Forbidden(
            f'Role "{role.name}" grants {", ".join(lacking)}, which you do not hold; only someone '
            "who holds every permission of a role may change or delete it",
            property_name,
        )


async def _role_to_change(
    session: AsyncSession, auth: AuthContext, public_id: str, property_name: str = "publicId"
) -> Role:
    role = await RoleRepository(session).get(auth.company_or_raise.id, public_id)
    if role is None:
        raise not_found("Role", property_name)
    _assert_may_change(auth, role, property_name)
    return role


async def create_roles(
    session: AsyncSession, auth: AuthContext, items: Sequence[RoleCreate]
) -> list[Role]:
    company = auth.company_or_raise
    clashes = unique_names(
        [item.name for item in items],
        (await RoleRepository(session).names(company.id)).values(),
        exists=NAME_EXISTS,
        repeated='The name "{name}" is given to more than one role in this request',
    )
    errors: list[AppError] = []
    granted: list[set[str]] = []
    for index, item in enumerate(items):
        permissions, problems = _check_permissions(
            auth, (ref.publicId for ref in item.permissions), "permissions"
        )
        errors += [problem.at_index(index) for problem in problems]
        granted.append(permissions)
        if index in clashes:
            errors.append(clashes[index])
    if errors:
        raise combine(errors)
    roles = [
        Role(
            company_id=company.id,
            name=item.name,
            description=item.description,
            enforce2fa=item.enforce2fa,
            enforce_sso=item.enforceSso,
            custom=item.custom,
            permissions=[RolePermission(permission=p) for p in sorted(permissions)],
        )
        for item, permissions in zip(items, granted, strict=True)
    ]
    session.add_all(roles)
    await session.flush()
    return roles


async def update_roles(
    session: AsyncSession, auth: AuthContext, items: Sequence[RoleBulkUpdate]
) -> None:
    await _update(session, auth, [(item.publicId, item) for item in items], bulk=True)


async def update_role(
    session: AsyncSession, auth: AuthContext, public_id: str, patch: RoleUpdate
) -> None:
    await _update(session, auth, [(public_id, patch)], bulk=False)


async def _update(
    session: AsyncSession,
    auth: AuthContext,
    changes: Sequence[tuple[str, RoleUpdate]],
    *,
    bulk: bool,
) -> None:
    company = auth.company_or_raise
    repository = RoleRepository(session)
    roles = await repository.get_many(company.id, [public_id for public_id, _ in changes])
    renames = [patch.name is not None for _, patch in changes]
    names = await repository.names(company.id) if any(renames) else {}
    errors: list[AppError] = []
    seen: set[str] = set()
    for index, (public_id, patch) in enumerate(changes):
        role = roles.get(public_id)
        try:
            if role is None:
                raise not_found("Role")
            if public_id in seen:
                raise BadRequest("This role is listed more than once in the request", "publicId")
            seen.add(public_id)
            _assert_may_change(auth, role)
        except AppError as error:
            errors.append(error.at_index(index))
            continue
        if patch.name is not None:
            names[role.id] = patch.name
    errors += unique_renames(
        [_rename(roles.get(public_id), patch.name) for public_id, patch in changes],
        names.values(),
        exists=NAME_EXISTS,
    )
    if errors:
        raise combine(errors, bulk=bulk)
    await park_renamed(session, [(roles[public_id], patch.name) for public_id, patch in changes])
    for public_id, patch in changes:
        values = patch.model_dump(exclude_unset=True)
        for wire, attribute in EDITABLE:
            if wire in values:
                setattr(roles[public_id], attribute, values[wire])
    await session.flush()


async def delete_roles(
    session: AsyncSession, auth: AuthContext, public_ids: Sequence[str], *, bulk: bool = True
) -> None:
    company = auth.company_or_raise
    await membership_service.lock_companies(session, [company.id])
    repository = RoleRepository(session)
    roles = await repository.get_many(company.id, public_ids)
    in_use = await repository.membership_counts([role.id for role in roles.values()])
    errors: list[AppError] = []
    chosen: dict[int, Role] = {}
    for index, public_id in enumerate(public_ids):
        role = roles.get(public_id)
        try:
            if role is None:
                raise not_found("Role")
            _assert_may_change(auth, role)
            if role.id in in_use:
                used = plural(in_use[role.id], "membership")
                raise Conflict(
                    f'Role "{role.name}" is used by {used}; give them another role or remove '
                    "them before deleting it",
                    "publicId",
                )
        except AppError as error:
            errors.append(error.at_index(index))
            continue
        chosen[role.id] = role
    if errors:
        raise combine(errors, bulk=bulk)
    await session.flush()
    await repository.delete_ids(list(chosen))  # their permissions go with them (cascade)
    await membership_service.assert_admin_remains(session, company.id)


async def _set_permissions(session: AsyncSession, role: Role, target: set[str]) -> set[str]:
    """Give ``role`` exactly ``target``; returns the permissions it lost (after a flush)."""
    await membership_service.lock_companies(session, [role.company_id])
    existing = {p.permission: p for p in role.permissions}
    role.permissions = [existing.get(p) or RolePermission(permission=p) for p in sorted(target)]
    await session.flush()
    removed = set(existing) - target
    if removed:
        await membership_service.assert_admin_remains(session, role.company_id)
    return removed


def _grantable(auth: AuthContext, items: Sequence[PublicIdItem]) -> set[str]:
    """The permission ids of a `/roles/{id}/permissions` body, each one the caller may grant."""
    errors: list[AppError] = []
    wanted: set[str] = set()
    for index, item in enumerate(items):
        valid, problems = _check_permissions(auth, [item.publicId], "publicId")
        errors += [problem.at_index(index) for problem in problems]
        wanted |= valid
    if errors:
        raise combine(errors)
    return wanted


async def add_permissions(
    session: AsyncSession, auth: AuthContext, role_id: str, items: Sequence[PublicIdItem]
) -> None:
    role = await _role_to_change(session, auth, role_id)
    await _set_permissions(session, role, set(role.permission_ids) | _grantable(auth, items))


async def replace_permissions(
    session: AsyncSession, auth: AuthContext, role_id: str, items: Sequence[PublicIdItem]
) -> None:
    role = await _role_to_change(session, auth, role_id)
    await _set_permissions(session, role, _grantable(auth, items))


async def remove_permissions(
    session: AsyncSession, auth: AuthContext, role_id: str, items: Sequence[PublicIdItem]
) -> None:
    role = await _role_to_change(session, auth, role_id)
    current = set(role.permission_ids)
    errors: list[AppError] = []
    for index, item in enumerate(items):
        if item.publicId in current:
            continue
        if item.publicId not in CATALOGUE:
            message = f"'{item.publicId}' is not a permission; GET /permissions lists them"
            errors.append(BadRequest(message, "publicId").at_index(index))
        else:
            message = f'Role "{role.name}" does not have the permission {item.publicId}'
            errors.append(NotFound(message, "publicId").at_index(index))
    if errors:
        raise combine(errors)
    await _set_permissions(session, role, current - {item.publicId for item in items})


async def remove_permission(
    session: AsyncSession, auth: AuthContext, role_id: str, permission_id: str
) -> None:
    """``DELETE /roles/{parentId}/permissions/{publicId}``: the path names role and permission."""
    role = await _role_to_change(session, auth, role_id, "parentId")
    current = set(role.permission_ids)
    if permission_id not in current:
        what = "Permission not found" if permission_id not in CATALOGUE else None
        message = what or f'Role "{role.name}" does not have the permission {permission_id}'
        raise NotFound(message, "publicId")
    await _set_permissions(session, role, current - {permission_id})
