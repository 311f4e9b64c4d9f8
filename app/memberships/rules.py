"""The rules every membership change follows: the last administrator, the permission ceiling
of a caller without COMPANY_ADMIN, and one membership per holder, group and role."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.context import AuthContext
from app.auth.permissions import beyond, effective
from app.companies.models import Company
from app.core.errors import Conflict, Forbidden
from app.db.conflicts import conflict
from app.memberships.models import Membership
from app.memberships.repository import Key, MembershipRepository
from app.roles.models import Role


async def lock_companies(session: AsyncSession, company_ids: Iterable[int]) -> None:
    """Serialises the changes that could take a company's last administrator away.

    Two administrators removing each other at once would each still see the other and both
    succeed. So each such change locks the company's row first (PostgreSQL: SELECT ... FOR NO
    KEY UPDATE, held until the commit; in id order, so changes spanning several companies
    cannot deadlock) and only then reads and writes; the second waits, and its reads, each a
    fresh snapshot under READ COMMITTED, see what the first one did. NO KEY UPDATE excludes
    the other removals but not the key-share locks of foreign keys, so inserting a role or a
    membership elsewhere in the company does not wait. SQLite needs no lock: its write
    transactions begin IMMEDIATE, one at a time (app/db/session.py), and SQLAlchemy leaves
    FOR UPDATE out there. Taking the lock again in the same transaction costs nothing.
    """
    ids = sorted(set(company_ids))
    if ids:
        await session.execute(
            select(Company.id)
            .where(Company.id.in_(ids))
            .order_by(Company.id)
            .with_for_update(key_share=True)
        )


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
    through a live membership; otherwise the change is refused (and rolled back). The change
    should have locked the company before writing (``lock_companies``); locking here too
    keeps the check sound for one that did not."""
    await lock_companies(session, [company_id])
    if not await has_admin(session, company_id):
        raise Conflict(
            "This change would leave the company without an administrator: give another user "
            "the COMPANY_ADMIN permission first"
        )


def _beyond(auth: AuthContext, role: Role | None) -> list[str]:
    """The permissions of ``role``, with what they imply, that the caller does not hold."""
    return [] if role is None else beyond(auth.permissions, effective(set(role.permission_ids)))


def assert_may_grant(auth: AuthContext, role: Role | None) -> None:
    """403 when the role has permissions the caller does not hold."""
    lacking = _beyond(auth, role)
    if lacking:
        assert role is not None
        raise Forbidden(
            f"You cannot grant the role '{role.name}': it has permissions you do not hold "
            f"({', '.join(lacking)})",
            "role",
        )


def assert_may_change(auth: AuthContext, membership: Membership, what: str) -> None:
    """403 when the membership's role has permissions the caller does not hold."""
    lacking = _beyond(auth, membership.role)
    if lacking:
        assert membership.role is not None
        raise Forbidden(
            f"You cannot {what}: membership {membership.public_id} holds the role "
            f"'{membership.role.name}', with permissions you do not hold ({', '.join(lacking)})",
            "publicId",
        )


def membership_key(membership: Membership) -> Key:
    """What must be unique: holder (user or invite), group and role."""
    return (membership.user_id, membership.invite_id, membership.group_id, membership.role_id)


def duplicate(in_request: bool) -> Conflict:
    """The clear message for a second membership with the same key."""
    if in_request:
        return Conflict("This request gives the same holder this group and role twice")
    return Conflict("The user (or invite) holds this role in this group already")


async def flush(session: AsyncSession) -> None:
    """Flush; a race past the checks meets a unique index and is a 409 saying which."""
    try:
        await session.flush()
    except IntegrityError as error:
        raise conflict(error) from None
