"""Memberships: a role in a group of a company. What a user may do in a company is the union of
the permissions of the roles of their live memberships there.

Rules every change follows:

- the user must already belong to the company (hold a membership there, live or expired);
  people join through invites, service accounts when they are created;
- one membership per user, group and role (a database constraint guards races; the check here
  gives the clear message, also for a membership without a role, where SQL sees no duplicate);
- a caller without COMPANY_ADMIN cannot grant a role with permissions they do not hold, nor
  change or remove a membership whose role has such permissions (403);
- the company keeps a person holding COMPANY_ADMIN through a live membership (409);
- a service account keeps at least one membership in its company (delete the service account
  instead).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.context import AuthContext
from app.auth.permissions import Permission, effective
from app.companies.models import Company
from app.core.errors import (
    AppError,
    BadRequest,
    Conflict,
    ErrorItem,
    Forbidden,
    NotFound,
    combine,
    not_found,
)
from app.core.querying import FilterColumn, ListParams
from app.core.schemas import Ref
from app.groups.models import Group
from app.invites.models import Invite
from app.memberships.models import Membership
from app.memberships.repository import WITH_REFS, Key, MembershipRepository
from app.memberships.schemas import MembershipCreate, MembershipPatch, MembershipSetItem
from app.roles.models import Role
from app.users.models import SERVICE_ACCOUNT, User

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


# --- used by authentication and by other domains ------------------------------------------


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


async def has_admin(session: AsyncSession, company_id: int) -> bool:
    """Whether a person holds COMPANY_ADMIN in the company through a live membership."""
    return await MembershipRepository(session).has_live_admin(company_id)


async def with_admin(session: AsyncSession, companies: Sequence[Company]) -> set[int]:
    """The ids of those companies that have an administrator now: the rule forbids losing the
    last one, and must not trap anyone in a company that has none left already (its only
    administrator's membership expired)."""
    return {c.id for c in companies if await has_admin(session, c.id)}


async def assert_admin_remains(session: AsyncSession, company_id: int) -> None:
    """After a change (flushed), the company must still have a person holding COMPANY_ADMIN
    through a live membership; otherwise the change is refused (and rolled back)."""
    if not await has_admin(session, company_id):
        raise Conflict(
            "This change would leave the company without an administrator: give another user "
            "the COMPANY_ADMIN permission first"
        )


def bulk_error(errors: list[AppError], *, bulk: bool) -> AppError:
    """The errors of a request as one; a path-id request (not bulk) names no list index."""
    error = combine(errors)
    if not bulk:
        error.items = [ErrorItem(i.message, i.property_name, None) for i in error.items]
    return error


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


# --- rules --------------------------------------------------------------------------------


def _beyond(auth: AuthContext, role: Role | None) -> list[str]:
    """The permissions of ``role`` the caller does not hold (none for an administrator)."""
    if role is None or auth.has(Permission.COMPANY_ADMIN):
        return []
    return sorted(effective(set(role.permission_ids)) - auth.permissions)


def _assert_may_grant(auth: AuthContext, role: Role | None) -> None:
    beyond = _beyond(auth, role)
    if beyond:
        assert role is not None
        raise Forbidden(
            f"You cannot grant the role '{role.name}': it has permissions you do not hold "
            f"({', '.join(beyond)})",
            "role",
        )


def _assert_may_change(auth: AuthContext, membership: Membership, what: str) -> None:
    beyond = _beyond(auth, membership.role)
    if beyond:
        assert membership.role is not None
        raise Forbidden(
            f"You cannot {what}: membership {membership.public_id} holds the role "
            f"'{membership.role.name}', with permissions you do not hold ({', '.join(beyond)})",
            "publicId",
        )


async def _flush(session: AsyncSession) -> None:
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(
            "A membership with this user, group and role was made at the same time; try again"
        ) from None


def _key(membership: Membership) -> Key:
    return (membership.user_id, membership.invite_id, membership.group_id, membership.role_id)


def _duplicate(in_request: bool) -> Conflict:
    if in_request:
        return Conflict("This request gives the same holder this group and role twice")
    return Conflict("The user (or invite) holds this role in this group already")


class _Refs:
    """The company's groups and roles a request names, looked up together up front."""

    def __init__(self, groups: dict[str, Group], roles: dict[str, Role]) -> None:
        self.groups, self.roles = groups, roles

    @classmethod
    async def load(
        cls,
        repository: MembershipRepository,
        company_id: int,
        groups: Iterable[Ref | None],
        roles: Iterable[Ref | None],
    ) -> _Refs:
        return cls(
            await repository.groups(company_id, [g.publicId for g in groups if g is not None]),
            await repository.roles(company_id, [r.publicId for r in roles if r is not None]),
        )

    def group(self, ref: Ref) -> Group:
        group = self.groups.get(ref.publicId)
        if group is None:
            raise not_found("Group", "group")
        return group

    def role(self, ref: Ref | None) -> Role | None:
        if ref is None:
            return None
        role = self.roles.get(ref.publicId)
        if role is None:
            raise not_found("Role", "role")
        return role


# --- reading ------------------------------------------------------------------------------


async def list_memberships(
    session: AsyncSession, auth: AuthContext, params: ListParams
) -> tuple[list[Membership], str | None]:
    repository = MembershipRepository(session)
    stmt = repository.of_company(auth.company_or_raise.id).where(*params.where(FILTERS))
    return await repository.page(stmt, params, WITH_REFS)


async def get_membership(
    session: AsyncSession, auth: AuthContext, public_id: str, params: ListParams | None = None
) -> Membership:
    where = params.where(FILTERS) if params is not None else []
    membership = await MembershipRepository(session).get(
        auth.company_or_raise.id, public_id, *where
    )
    if membership is None:
        raise not_found("Membership")
    return membership


# --- creating -----------------------------------------------------------------------------


async def create_many(
    session: AsyncSession, auth: AuthContext, items: list[MembershipCreate]
) -> list[Membership]:
    """`POST /users/memberships`: all or nothing, every failing item reported."""
    company = auth.company_or_raise
    repository = MembershipRepository(session)
    refs = await _Refs.load(
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
            _assert_may_grant(auth, role)
            key = (user.id, None, group.id, role.id if role else None)
            if key in existing or key in planned:
                raise _duplicate(key in planned)
            planned.add(key)
            created.append(
                Membership(
                    company_id=company.id,
                    user_id=user.id,
                    group_id=group.id,
                    role_id=key[3],
                    expires_on=item.expiresOn,
                )
            )
        except AppError as error:
            errors.append(error.at_index(index))
    if errors:
        raise combine(errors)
    session.add_all(created)
    await _flush(session)
    return created


# --- changing -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Change:
    index: int
    membership: Membership
    group: Group
    role: Role | None
    expires_on: datetime | None

    @property
    def key(self) -> Key:
        m = self.membership
        return (m.user_id, m.invite_id, self.group.id, self.role.id if self.role else None)


def _plan_change(
    refs: _Refs, auth: AuthContext, index: int, membership: Membership, patch: MembershipPatch
) -> _Change:
    _assert_may_change(auth, membership, "change this membership")
    sent = patch.model_fields_set
    group, role = membership.group, membership.role
    if "group" in sent:
        if patch.group is None:
            raise BadRequest("group cannot be null: every membership is in a group", "group")
        group = refs.group(patch.group)
    if "role" in sent:
        role = refs.role(patch.role)
        _assert_may_grant(auth, role)
    expires_on = patch.expiresOn if "expiresOn" in sent else membership.expires_on
    return _Change(index, membership, group, role, expires_on)


async def update(
    session: AsyncSession,
    auth: AuthContext,
    items: Sequence[tuple[str, MembershipPatch]],
    *,
    bulk: bool = True,
) -> None:
    """`PATCH /users/memberships` (bulk) and `PATCH /users/memberships/{publicId}`."""
    company = auth.company_or_raise
    repository = MembershipRepository(session)
    found = await repository.many(company.id, [public_id for public_id, _ in items])
    refs = await _Refs.load(
        repository, company.id, [p.group for _, p in items], [p.role for _, p in items]
    )
    changes: list[_Change] = []
    errors: list[AppError] = []
    seen: set[str] = set()
    for index, (public_id, patch) in enumerate(items):
        try:
            membership = found.get(public_id)
            if membership is None:
                raise not_found("Membership")
            if public_id in seen:
                raise BadRequest("This membership is listed twice", "publicId")
            seen.add(public_id)
            changes.append(_plan_change(refs, auth, index, membership, patch))
        except AppError as error:
            errors.append(error.at_index(index))
    if errors:
        raise bulk_error(errors, bulk=bulk)

    # One membership per user, group and role, judged on the state after the whole request.
    by_id = {c.membership.id: c for c in changes}
    final: dict[Key, int] = defaultdict(int)
    keys = await repository.keys_of(
        company.id,
        [m.user_id for m in (c.membership for c in changes) if m.user_id is not None],
        [m.invite_id for m in (c.membership for c in changes) if m.invite_id is not None],
    )
    for membership_id, key in keys:
        change = by_id.get(membership_id)
        final[change.key if change else key] += 1
    errors = [_duplicate(False).at_index(c.index) for c in changes if final[c.key] > 1]
    if errors:
        raise bulk_error(errors, bulk=bulk)

    if len(changes) > 1:
        # Two memberships may swap roles: clear the roles first (NULLs never collide), so no
        # single UPDATE trips the unique constraint on the way to a valid end state.
        for change in changes:
            change.membership.role = None
        await _flush(session)
    for change in changes:
        change.membership.group = change.group
        change.membership.role = change.role
        change.membership.expires_on = change.expires_on
    await _flush(session)
    await assert_admin_remains(session, company.id)


# --- removing -----------------------------------------------------------------------------


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
        raise bulk_error(errors, bulk=bulk)


async def delete(
    session: AsyncSession, auth: AuthContext, public_ids: Sequence[str], *, bulk: bool = True
) -> None:
    """`DELETE /users/memberships` (bulk) and `DELETE /users/memberships/{publicId}`."""
    company = auth.company_or_raise
    repository = MembershipRepository(session)
    found = await repository.many(company.id, public_ids)
    removed: list[tuple[int, Membership]] = []
    errors: list[AppError] = []
    for index, public_id in enumerate(public_ids):
        try:
            membership = found.get(public_id)
            if membership is None:
                raise not_found("Membership")
            _assert_may_change(auth, membership, "remove this membership")
            removed.append((index, membership))
        except AppError as error:
            errors.append(error.at_index(index))
    if errors:
        raise bulk_error(errors, bulk=bulk)
    await _assert_service_accounts_keep_one(repository, company.id, removed, bulk=bulk)
    await repository.delete_ids(list({m.id for _, m in removed}))
    await _flush(session)
    await assert_admin_remains(session, company.id)


async def assert_may_remove(
    session: AsyncSession, auth: AuthContext, users: Sequence[User], *, bulk: bool = True
) -> list[Membership]:
    """The users' memberships in the company, if the caller may remove every one of them
    (``users`` in request order: errors name their index)."""
    company = auth.company_or_raise
    memberships = await of_users(session, company.id, [u.id for u in users], for_rules=True)
    errors: list[AppError] = []
    for index, user in enumerate(users):
        try:
            for membership in memberships.get(user.id, []):
                _assert_may_change(auth, membership, "remove this user")
        except AppError as error:
            errors.append(error.at_index(index))
    if errors:
        raise bulk_error(errors, bulk=bulk)
    return [m for user in users for m in memberships.get(user.id, [])]


async def remove_users(
    session: AsyncSession, auth: AuthContext, users: Sequence[User], *, bulk: bool = True
) -> None:
    """Takes the users out of the company: their memberships there go, their accounts stay."""
    memberships = await assert_may_remove(session, auth, users, bulk=bulk)
    await MembershipRepository(session).delete_ids(list({m.id for m in memberships}))
    await _flush(session)
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
    had_admin = await with_admin(session, list(companies.values()))
    await repository.delete_of_user(user.id, [c.id for c in companies.values()])
    await _flush(session)
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


# --- replacing a user's set ---------------------------------------------------------------


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
    repository = MembershipRepository(session)
    user = (await repository.members(company.id, [user_public_id])).get(user_public_id)
    if user is None:
        raise not_found("User")
    current = await repository.of_users(company.id, [user.id], for_rules=True)
    kept: dict[Key, Membership] = {}
    for membership in current:
        kept.setdefault(_key(membership), membership)
    refs = await _Refs.load(
        repository, company.id, [i.group for i in items], [i.role for i in items]
    )
    wanted: list[tuple[Key, Group, Role | None, datetime | None]] = []
    errors: list[AppError] = []
    for index, item in enumerate(items):
        try:
            group = refs.group(item.group)
            role = refs.role(item.role)
            _assert_may_grant(auth, role)
            key: Key = (user.id, None, group.id, role.id if role else None)
            if any(key == k for k, *_ in wanted):
                raise _duplicate(True)
            wanted.append((key, group, role, item.expiresOn))
        except AppError as error:
            errors.append(error.at_index(index))
    if errors:
        raise combine(errors)

    keys = {key for key, *_ in wanted}
    removed = [m for m in current if kept[_key(m)] is not m or _key(m) not in keys]
    kept = {key: m for key, m in kept.items() if key in keys}
    errors = []
    for membership in removed:
        try:
            _assert_may_change(auth, membership, "remove this membership")
        except AppError as error:
            errors.append(error)
    if errors:
        raise combine(errors)

    result: list[Membership] = []
    for key, group, role, expires_on in wanted:
        found = kept.get(key)
        if found is None:
            found = Membership(
                company_id=company.id,
                user_id=user.id,
                group_id=group.id,
                role_id=role.id if role else None,
            )
            session.add(found)
        found.expires_on = expires_on
        result.append(found)
    await repository.delete_ids([m.id for m in removed])
    await _flush(session)
    await assert_admin_remains(session, company.id)
    return result
