"""Replacing a user's set of memberships (`PUT /users/memberships/user/{publicId}`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.context import AuthContext
from app.core.errors import AppError, combine, not_found
from app.groups.models import Group
from app.memberships.models import Membership
from app.memberships.refs import Refs
from app.memberships.repository import Key, MembershipRepository
from app.memberships.rules import (
    assert_admin_remains,
    assert_may_change,
    assert_may_grant,
    duplicate,
    flush,
    lock_companies,
    membership_key,
)
from app.memberships.schemas import MembershipSetItem
from app.roles.models import Role
from app.users.models import User

_Wanted = tuple[Key, Group, Role | None, datetime | None]


def _wanted(
    auth: AuthContext, refs: Refs, user: User, items: Sequence[MembershipSetItem]
) -> list[_Wanted]:
    """The memberships the request asks for, each once, if the caller may grant them."""
    wanted: list[_Wanted] = []
    errors: list[AppError] = []
    for index, item in enumerate(items):
        try:
            group = refs.group(item.group)
            role = refs.role(item.role)
            assert_may_grant(auth, role)
            key: Key = (user.id, None, group.id, role.id if role else None)
            if any(key == k for k, *_ in wanted):
                raise duplicate(True)
            wanted.append((key, group, role, item.expiresOn))
        except AppError as error:
            errors.append(error.at_index(index))
    if errors:
        raise combine(errors)
    return wanted


def _assert_may_remove_all(auth: AuthContext, removed: list[Membership]) -> None:
    errors: list[AppError] = []
    for membership in removed:
        try:
            assert_may_change(auth, membership, "remove this membership")
        except AppError as error:
            errors.append(error)
    if errors:
        raise combine(errors)


def _kept_or_new(
    session: AsyncSession,
    company_id: int,
    user: User,
    wanted: list[_Wanted],
    kept: dict[Key, Membership],
) -> list[Membership]:
    """The resulting memberships in request order: a kept one (new expiry) or a new one."""
    result: list[Membership] = []
    for key, group, role, expires_on in wanted:
        found = kept.get(key)
        if found is None:
            found = Membership(
                company_id=company_id,
                user_id=user.id,
                group_id=group.id,
                role_id=role.id if role else None,
            )
            session.add(found)
        found.expires_on = expires_on
        result.append(found)
    return result


async def replace_for_user(
    session: AsyncSession,
    auth: AuthContext,
    user_public_id: str,
    items: Sequence[MembershipSetItem],
) -> list[Membership]:
    """`PUT /users/memberships/user/{publicId}`: the user's memberships in this company become
    exactly ``items``. A membership with the same group and role is kept (its publicId stays,
    its expiry is updated); the others are removed, and new ones created. Answers the resulting
    memberships in request order."""
    company = auth.company_or_raise
    await lock_companies(session, [company.id])
    repository = MembershipRepository(session)
    user = (await repository.members(company.id, [user_public_id])).get(user_public_id)
    if user is None:
        raise not_found("User")
    current = await repository.of_users(company.id, [user.id], for_rules=True)
    kept: dict[Key, Membership] = {}
    for membership in current:
        kept.setdefault(membership_key(membership), membership)
    refs = await Refs.load(
        repository, company.id, [i.group for i in items], [i.role for i in items]
    )
    wanted = _wanted(auth, refs, user, items)

    keys = {key for key, *_ in wanted}
    removed = [
        m for m in current if kept[membership_key(m)] is not m or membership_key(m) not in keys
    ]
    kept = {key: m for key, m in kept.items() if key in keys}
    _assert_may_remove_all(auth, removed)

    result = _kept_or_new(session, company.id, user, wanted, kept)
    await repository.delete_ids([m.id for m in removed])
    await flush(session)
    await assert_admin_remains(session, company.id)
    return result
