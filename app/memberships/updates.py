"""Changing memberships (`PATCH /users/memberships`, bulk and by publicId): group, role and
expiry, judged on the state after the whole request."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from app.auth.context import AuthContext
from app.core.errors import AppError, BadRequest, combine, not_found
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
from app.memberships.schemas import MembershipPatch
from app.roles.models import Role


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
    refs: Refs, auth: AuthContext, index: int, membership: Membership, patch: MembershipPatch
) -> _Change:
    assert_may_change(auth, membership, "change this membership")
    sent = patch.model_fields_set
    group, role = membership.group, membership.role
    if "group" in sent:
        if patch.group is None:
            raise BadRequest("group cannot be null: every membership is in a group", "group")
        group = refs.group(patch.group)
    if "role" in sent:
        role = refs.role(patch.role)
        assert_may_grant(auth, role)
    expires_on = patch.expiresOn if "expiresOn" in sent else membership.expires_on
    return _Change(index, membership, group, role, expires_on)


def _plan_changes(
    found: dict[str, Membership],
    refs: Refs,
    auth: AuthContext,
    items: Sequence[tuple[str, MembershipPatch]],
    *,
    bulk: bool,
) -> list[_Change]:
    """Every item checked, all or nothing; each membership named once."""
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
        raise combine(errors, bulk=bulk)
    return changes


async def _assert_unique_after(
    repository: MembershipRepository, company_id: int, changes: list[_Change], *, bulk: bool
) -> None:
    """One membership per user, group and role, judged on the state after the whole request."""
    by_id = {c.membership.id: c for c in changes}
    final: dict[Key, int] = defaultdict(int)
    keys = await repository.keys_of(
        company_id,
        [m.user_id for m in (c.membership for c in changes) if m.user_id is not None],
        [m.invite_id for m in (c.membership for c in changes) if m.invite_id is not None],
    )
    for membership_id, key in keys:
        change = by_id.get(membership_id)
        final[change.key if change else key] += 1
    errors = [duplicate(False).at_index(c.index) for c in changes if final[c.key] > 1]
    if errors:
        raise combine(errors, bulk=bulk)


def _shuffles(changes: list[_Change]) -> bool:
    """Whether a membership takes the place (holder, group, role) another one leaves."""
    leaving = {membership_key(c.membership): c.membership.id for c in changes}
    return any(leaving.get(c.key, c.membership.id) != c.membership.id for c in changes)


async def _apply(session: AsyncSession, changes: list[_Change]) -> None:
    """Writes the changes. The unique indexes hold at every row written, so when memberships
    trade places (two swap roles) the changed rows are deleted and written anew, keeping
    their ids and publicIds, rather than updated one by one through a clash."""
    if not _shuffles(changes):
        for change in changes:
            change.membership.group = change.group
            change.membership.role = change.role
            change.membership.expires_on = change.expires_on
        await flush(session)
        return
    columns = [attribute.key for attribute in inspect(Membership).column_attrs]
    rows = []
    for change in changes:
        values = {
            "group_id": change.group.id,
            "role_id": change.role.id if change.role else None,
            "expires_on": change.expires_on,
        }
        rows.append({key: getattr(change.membership, key) for key in columns} | values)
        for key, value in (values | {"group": change.group, "role": change.role}).items():
            set_committed_value(change.membership, key, value)
    await MembershipRepository(session).delete_ids([c.membership.id for c in changes])
    await session.execute(insert(Membership), rows)


async def update(
    session: AsyncSession,
    auth: AuthContext,
    items: Sequence[tuple[str, MembershipPatch]],
    *,
    bulk: bool = True,
) -> None:
    """`PATCH /users/memberships` (bulk) and `PATCH /users/memberships/{publicId}`."""
    company = auth.company_or_raise
    await lock_companies(session, [company.id])
    repository = MembershipRepository(session)
    found = await repository.many(company.id, [public_id for public_id, _ in items])
    refs = await Refs.load(
        repository, company.id, [p.group for _, p in items], [p.role for _, p in items]
    )
    changes = _plan_changes(found, refs, auth, items, bulk=bulk)
    await _assert_unique_after(repository, company.id, changes, bulk=bulk)

    await _apply(session, changes)
    await assert_admin_remains(session, company.id)
