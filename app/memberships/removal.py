"""Taking memberships away: by publicId, all of some users' in the company, or the caller
leaving companies; never the last administrator, nor a service account's last membership."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.context import AuthContext
from app.core.errors import AppError, Conflict, combine, not_found
from app.memberships.access import of_users
from app.memberships.models import Membership
from app.memberships.repository import MembershipRepository
from app.memberships.rules import (
    assert_admin_remains,
    assert_may_change,
    flush,
    has_admin,
    lock_companies,
    with_admin,
)
from app.users.models import SERVICE_ACCOUNT, User


async def _assert_service_accounts_keep_one(
    repository: MembershipRepository,
    company_id: int,
    removed: Sequence[tuple[int, Membership]],
    *,
    bulk: bool,
) -> None:
    """A service account without a membership would be lost to its company."""
    accounts = {
        m.user_id for _, m in removed if m.user is not None and m.user.type == SERVICE_ACCOUNT
    }
    if not accounts:
        return
    removed_ids = {m.id for _, m in removed}
    left = {
        key[0]
        for membership_id, key in await repository.keys_of(
            company_id, [a for a in accounts if a is not None]
        )
        if membership_id not in removed_ids
    }
    errors: list[AppError] = [
        Conflict(
            "This is the service account's last membership in the company; delete the service "
            "account with DELETE /users/service-account instead",
            "publicId",
        ).at_index(index)
        for index, m in removed
        if m.user_id in accounts and m.user_id not in left
    ]
    if errors:
        raise combine(errors, bulk=bulk)


async def delete(
    session: AsyncSession, auth: AuthContext, public_ids: Sequence[str], *, bulk: bool = True
) -> None:
    """`DELETE /users/memberships` (bulk) and `DELETE /users/memberships/{publicId}`."""
    company = auth.company_or_raise
    await lock_companies(session, [company.id])
    repository = MembershipRepository(session)
    found = await repository.many(company.id, public_ids)
    removed: list[tuple[int, Membership]] = []
    errors: list[AppError] = []
    for index, public_id in enumerate(public_ids):
        try:
            membership = found.get(public_id)
            if membership is None:
                raise not_found("Membership")
            assert_may_change(auth, membership, "remove this membership")
            removed.append((index, membership))
        except AppError as error:
            errors.append(error.at_index(index))
    if errors:
        raise combine(errors, bulk=bulk)
    await _assert_service_accounts_keep_one(repository, company.id, removed, bulk=bulk)
    await repository.delete_ids(list({m.id for _, m in removed}))
    await flush(session)
    await assert_admin_remains(session, company.id)


async def assert_may_remove(
    session: AsyncSession, auth: AuthContext, users: Sequence[User], *, bulk: bool = True
) -> list[Membership]:
    """The users' memberships in the company, if the caller may remove every one of them
    (``users`` in request order: errors name their index)."""
    company = auth.company_or_raise
    await lock_companies(session, [company.id])
    memberships = await of_users(session, company.id, [u.id for u in users], for_rules=True)
    errors: list[AppError] = []
    for index, user in enumerate(users):
        try:
            for membership in memberships.get(user.id, []):
                assert_may_change(auth, membership, "remove this user")
        except AppError as error:
            errors.append(error.at_index(index))
    if errors:
        raise combine(errors, bulk=bulk)
    return [m for user in users for m in memberships.get(user.id, [])]


async def remove_users(
    session: AsyncSession, auth: AuthContext, users: Sequence[User], *, bulk: bool = True
) -> None:
    """Takes the users out of the company: their memberships there go, their accounts stay."""
    memberships = await assert_may_remove(session, auth, users, bulk=bulk)
    await MembershipRepository(session).delete_ids(list({m.id for m in memberships}))
    await flush(session)
    await assert_admin_remains(session, auth.company_or_raise.id)


async def leave_companies(session: AsyncSession, user: User, public_ids: Sequence[str]) -> None:
    """`DELETE /users/me/leave-companies`: the caller's memberships in these companies go."""
    repository = MembershipRepository(session)
    companies = {c.public_id: c for c in await repository.companies_of(user.id, public_ids)}
    errors: list[AppError] = [
        not_found("Company").at_index(index)
        for index, public_id in enumerate(public_ids)
        if public_id not in companies
    ]
    if errors:
        raise combine(errors)
    await lock_companies(session, [c.id for c in companies.values()])
    had_admin = await with_admin(session, list(companies.values()))
    await repository.delete_of_user(user.id, [c.id for c in companies.values()])
    await flush(session)
    for index, public_id in enumerate(public_ids):
        company = companies[public_id]
        if company.id in had_admin and not await has_admin(session, company.id):
            errors.append(
                Conflict(
                    f"Leaving '{company.name}' would leave it without an administrator: give "
                    "another user the COMPANY_ADMIN permission first",
                    "publicId",
                ).at_index(index)
            )
    if errors:
        raise combine(errors)
