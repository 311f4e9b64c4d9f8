"""Who belongs to a company and what they may do there: used by authentication and by the
other domains (users, service accounts, companies)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import Permission, effective
from app.companies.models import Company
from app.core.errors import NotFound
from app.memberships.models import Membership
from app.memberships.repository import MembershipRepository
from app.users.models import User


async def company_access(
    session: AsyncSession, user: User, company_public_id: str, property_name: str = "Api-Company"
) -> tuple[Company, frozenset[Permission]]:
    """The company the caller works in, with their permissions there.

    Not being a member and the company not existing answer alike, so nothing leaks.
    """
    company, granted = await MembershipRepository(session).company_access(
        user.id, company_public_id
    )
    if company is None:
        raise NotFound("Company not found", property_name)
    return company, effective(granted)


async def companies_access(
    session: AsyncSession, user: User, company_public_ids: Sequence[str]
) -> dict[str, tuple[int, frozenset[Permission]]]:
    """``company_access`` for many companies at once (one query): the companies among
    ``company_public_ids`` the caller belongs to, by publicId, with their internal id and the
    caller's permissions there."""
    found = await MembershipRepository(session).companies_access(user.id, company_public_ids)
    return {key: (company_id, effective(granted)) for key, (company_id, granted) in found.items()}


async def members(
    session: AsyncSession, company_id: int, public_ids: Sequence[str], *, type_: str | None = None
) -> dict[str, User]:
    """The users among ``public_ids`` that belong to the company (publicId → user)."""
    where = [User.type == type_] if type_ is not None else []
    return await MembershipRepository(session).members(company_id, public_ids, *where)


async def of_users(
    session: AsyncSession, company_id: int, user_ids: Sequence[int], *, for_rules: bool = False
) -> dict[int, list[Membership]]:
    """These users' memberships in the company (live and expired), by user id: one query."""
    found: dict[int, list[Membership]] = defaultdict(list)
    repository = MembershipRepository(session)
    for membership in await repository.of_users(company_id, user_ids, for_rules=for_rules):
        assert membership.user_id is not None
        found[membership.user_id].append(membership)
    return found


async def rows_of_users(
    session: AsyncSession, company_id: int, user_ids: Sequence[int]
) -> dict[int, list[Row[Any]]]:
    """``of_users`` as Core rows (app/memberships/repository.py `REF_ROWS`), by user id."""
    found: dict[int, list[Row[Any]]] = defaultdict(list)
    for row in await MembershipRepository(session).rows_of_users(company_id, user_ids):
        found[row.user_id].append(row)
    return found


async def companies_of(session: AsyncSession, user: User) -> list[Company]:
    """The companies where the user holds a membership (live or expired)."""
    return await MembershipRepository(session).companies_of(user.id)


async def add_to_company_group(session: AsyncSession, company: Company, user: User) -> Membership:
    """A membership without a role in the company group: how a service account joins its
    company (listed in `/users`, granted nothing until an administrator adds a role)."""
    group_id = await MembershipRepository(session).company_group_id(company.id)
    assert group_id is not None, "every company has a company group"
    membership = Membership(company_id=company.id, user_id=user.id, group_id=group_id)
    session.add(membership)
    return membership
