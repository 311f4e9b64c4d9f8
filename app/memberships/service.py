"""Memberships: a role in a group of a company. What a user may do in a company is the union of
the permissions of the roles of their live memberships there."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import Permission, effective
from app.companies.models import Company
from app.core.errors import Conflict, NotFound
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


async def assert_admin_remains(session: AsyncSession, company_id: int) -> None:
    """After a change (flushed), the company must still have a person holding COMPANY_ADMIN
    through a live membership; otherwise the change is refused (and rolled back)."""
    if not await MembershipRepository(session).has_live_admin(company_id):
        raise Conflict(
            "This change would leave the company without an administrator: give another user "
            "the COMPANY_ADMIN permission first"
        )
