"""Reading the company's memberships: the list with its filters, and one membership."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.context import AuthContext
from app.core.errors import not_found
from app.core.querying import FilterColumn, ListParams
from app.groups.models import Group
from app.invites.models import Invite
from app.memberships.models import Membership
from app.memberships.repository import WITH_REFS, MembershipRepository
from app.roles.models import Role
from app.users.models import User

FILTERS = {
    "publicId": FilterColumn(Membership.public_id),
    "user": FilterColumn(
        select(User.public_id).where(User.id == Membership.user_id).scalar_subquery()
    ),
    "user.publicId": FilterColumn(
        select(User.public_id).where(User.id == Membership.user_id).scalar_subquery()
    ),
    "group": FilterColumn(
        select(Group.public_id).where(Group.id == Membership.group_id).scalar_subquery()
    ),
    "group.publicId": FilterColumn(
        select(Group.public_id).where(Group.id == Membership.group_id).scalar_subquery()
    ),
    "role": FilterColumn(
        select(Role.public_id).where(Role.id == Membership.role_id).scalar_subquery()
    ),
    "role.publicId": FilterColumn(
        select(Role.public_id).where(Role.id == Membership.role_id).scalar_subquery()
    ),
    "invite": FilterColumn(
        select(Invite.public_id).where(Invite.id == Membership.invite_id).scalar_subquery()
    ),
    "invite.publicId": FilterColumn(
        select(Invite.public_id).where(Invite.id == Membership.invite_id).scalar_subquery()
    ),
    "expiresOn": FilterColumn(Membership.expires_on, datetime),
    "createdOn": FilterColumn(Membership.created_on, datetime),
}


async def list_memberships(
    session: AsyncSession, auth: AuthContext, params: ListParams
) -> tuple[list[Membership], str | None]:
    """`GET /users/memberships`: the company's memberships, filtered and paged."""
    repository = MembershipRepository(session)
    stmt = repository.of_company(auth.company_or_raise.id).where(*params.where(FILTERS))
    return await repository.page(stmt, params, WITH_REFS)


async def get_membership(
    session: AsyncSession, auth: AuthContext, public_id: str, params: ListParams | None = None
) -> Membership:
    """`GET /users/memberships/{publicId}`: another company's membership is not found."""
    where = params.where(FILTERS) if params is not None else []
    membership = await MembershipRepository(session).get(
        auth.company_or_raise.id, public_id, *where
    )
    if membership is None:
        raise not_found("Membership")
    return membership
