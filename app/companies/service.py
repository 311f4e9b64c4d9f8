"""Companies: created by a user, who becomes administrator through the company group."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.context import AuthContext
from app.auth.permissions import ADMINISTRATOR, Permission
from app.companies.models import Company
from app.companies.repository import CompanyRepository
from app.companies.schemas import CompanyCreate, MyCompanyPatch
from app.core.errors import AppError, Forbidden, combine, not_found
from app.core.querying import FilterColumn, ListParams
from app.groups import service as group_service
from app.memberships import service as membership_service
from app.memberships.models import Membership
from app.roles import service as role_service
from app.users.models import User

FILTERS = {
    "publicId": FilterColumn(Company.public_id),
    "name": FilterColumn(Company.name),
    "createdOn": FilterColumn(Company.created_on, datetime),
}


async def create(session: AsyncSession, user: User, body: CompanyCreate) -> Company:
    """The company with its company group, default roles and the creator as administrator."""
    company = await CompanyRepository(session).add(Company(name=body.name, country=body.country))
    group = await group_service.create_company_group(session, company)
    roles = await role_service.seed_defaults(session, company)
    session.add(
        Membership(
            company_id=company.id,
            user_id=user.id,
            group_id=group.id,
            role_id=roles[ADMINISTRATOR].id,
        )
    )
    await session.flush()
    return company


async def create_many(
    session: AsyncSession, auth: AuthContext, items: list[CompanyCreate]
) -> list[Company]:
    return [await create(session, auth.user, item) for item in items]


async def list_mine(
    session: AsyncSession, auth: AuthContext, params: ListParams
) -> tuple[list[Company], str | None]:
    repository = CompanyRepository(session)
    stmt = repository.of_member(auth.user.id).where(*params.where(FILTERS))
    return await repository.page(stmt, params)


async def get_mine(
    session: AsyncSession, auth: AuthContext, public_id: str, params: ListParams | None = None
) -> Company:
    company, _ = await membership_service.company_access(session, auth.user, public_id, "publicId")
    if params is not None and params.filters:
        match = await CompanyRepository(session).by_public_id(public_id, *params.where(FILTERS))
        if match is None:
            raise not_found("Company")
    return company


async def update_me(session: AsyncSession, auth: AuthContext, patch: MyCompanyPatch) -> None:
    """Needs COMPANY_ADMIN (declared on the route)."""
    company = auth.company_or_raise
    changes = patch.model_dump(exclude_unset=True)
    for wire, attribute in (
        ("name", "name"),
        ("country", "country"),
        ("defaultUserInviteLanguage", "default_user_invite_language"),
        ("appOwnerName", "app_owner_name"),
        ("branding", "branding"),
        ("customTermsOfUse", "custom_terms_of_use"),
        ("customPrivacyStatement", "custom_privacy_statement"),
        ("custom", "custom"),
    ):
        if wire in changes:
            setattr(company, attribute, changes[wire] if wire != "custom" else changes[wire] or {})
    await session.flush()


async def delete(session: AsyncSession, auth: AuthContext, public_ids: list[str]) -> None:
    """Deletes whole companies; the caller must be administrator of each (all or nothing).
    Set-based: one query reads the caller's access to all of them, one DELETE removes them
    (the database cascades to their groups, roles, memberships and invites)."""
    access = await membership_service.companies_access(session, auth.user, public_ids)
    errors: list[AppError] = []
    for index, public_id in enumerate(public_ids):
        if public_id not in access:
            errors.append(not_found("Company", "publicId").at_index(index))
        elif Permission.COMPANY_ADMIN not in access[public_id][1]:
            message = "Deleting a company needs the COMPANY_ADMIN permission in it"
            errors.append(Forbidden(message, "publicId").at_index(index))
    if errors:
        raise combine(errors)
    await session.flush()  # pending changes first (authentication marks the token as used)
    await CompanyRepository(session).delete_ids(list({c for c, _ in access.values()}))
