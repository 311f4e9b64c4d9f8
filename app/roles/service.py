"""Roles: per company, a name and a set of permissions."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.context import AuthContext
from app.auth.permissions import DEFAULT_ROLES
from app.companies.models import Company
from app.core.errors import not_found
from app.core.querying import ListParams
from app.roles.models import Role, RolePermission
from app.roles.repository import WITH_PERMISSIONS, RoleRepository


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
    session: AsyncSession, auth: AuthContext, params: ListParams
) -> tuple[list[Role], str | None]:
    repository = RoleRepository(session)
    stmt = repository.of_company(auth.company_or_raise.id)
    return await repository.page(stmt, params, WITH_PERMISSIONS)


async def get_role(session: AsyncSession, auth: AuthContext, public_id: str) -> Role:
    role = await RoleRepository(session).get(auth.company_or_raise.id, public_id)
    if role is None:
        raise not_found("Role")
    return role
