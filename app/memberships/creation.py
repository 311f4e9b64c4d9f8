"""Granting memberships (`POST /users/memberships`): all or nothing."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.context import AuthContext
from app.core.errors import AppError, BadRequest, combine, not_found
from app.memberships.models import Membership
from app.memberships.refs import Refs
from app.memberships.repository import Key, MembershipRepository
from app.memberships.rules import assert_may_grant, duplicate, flush
from app.memberships.schemas import MembershipCreate
from app.users.models import User


def _checked_key(
    auth: AuthContext, item: MembershipCreate, users: dict[str, User], refs: Refs
) -> Key:
    """The key of the membership the item asks for, if the caller may grant it."""
    if item.invite is not None:
        raise BadRequest(
            "Memberships of invites are not supported here yet: POST /invites creates "
            "them with the invite",
            "invite",
        )
    if item.user is None:
        raise BadRequest("user is required", "user")
    user = users.get(item.user.publicId)
    if user is None:
        raise not_found("User", "user")
    group = refs.group(item.group)
    role = refs.role(item.role)
    assert_may_grant(auth, role)
    return (user.id, None, group.id, role.id if role else None)


async def create_many(
    session: AsyncSession, auth: AuthContext, items: list[MembershipCreate]
) -> list[Membership]:
    """`POST /users/memberships`: all or nothing, every failing item reported."""
    company = auth.company_or_raise
    repository = MembershipRepository(session)
    refs = await Refs.load(
        repository, company.id, [i.group for i in items], [i.role for i in items]
    )
    users = await repository.members(company.id, [i.user.publicId for i in items if i.user])
    existing = {
        key for _, key in await repository.keys_of(company.id, [u.id for u in users.values()])
    }
    planned: set[Key] = set()
    created: list[Membership] = []
    errors: list[AppError] = []
    for index, item in enumerate(items):
        try:
            key = _checked_key(auth, item, users, refs)
            if key in existing or key in planned:
                raise duplicate(key in planned)
            planned.add(key)
            created.append(
                Membership(
                    company_id=company.id,
                    user_id=key[0],
                    group_id=key[2],
                    role_id=key[3],
                    expires_on=item.expiresOn,
                )
            )
        except AppError as error:
            errors.append(error.at_index(index))
    if errors:
        raise combine(errors)
    session.add_all(created)
    await flush(session)
    return created
