"""Test support for the users, memberships and service-account suites: rows written straight
to the database where the setup is not what a test is about, and state read back from it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.clock import utcnow
from app.groups.models import Group
from app.invites.models import Invite
from app.memberships.models import Membership
from app.roles.models import Role, RolePermission
from app.users.models import User
from tests.helpers import CompanyInfo, Person, World

YESTERDAY = utcnow() - timedelta(days=1)


def past() -> str:
    return (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def future() -> str:
    return (utcnow() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")


async def join(
    world: World,
    company: CompanyInfo,
    person: Person | User,
    role: str | None,
    *,
    expires_on: datetime | None = None,
    group_id: str | None = None,
) -> str:
    """A membership for ``person`` in ``company`` (its company group unless ``group_id``) with
    the role named ``role`` (a role name of ``company.roles`` or a role publicId); its id."""
    user = person.user if isinstance(person, Person) else person
    async with world.sessionmaker() as session:
        group = await session.scalar(
            select(Group.id).where(Group.public_id == (group_id or company.group_id))
        )
        role_id = None
        if role is not None:
            role_id = await session.scalar(
                select(Role.id).where(Role.public_id == company.roles.get(role, role))
            )
            assert role_id is not None, role
        assert group is not None
        membership = Membership(
            company_id=company.internal_id,
            user_id=user.id,
            group_id=group,
            role_id=role_id,
            expires_on=expires_on,
        )
        session.add(membership)
        await session.commit()
        return membership.public_id


async def invite_membership(world: World, company: CompanyInfo, role: str) -> tuple[str, str]:
    """A pending invite to ``company`` with one membership (company group, ``role``): the
    invite's and the membership's publicIds."""
    async with world.sessionmaker() as session:
        invite = Invite(
            company_id=company.internal_id,
            email_address="invitee@example.com",
            email_normalized="invitee@example.com",
            branding="portal.ixon.cloud",
            expires_on=utcnow() + timedelta(days=7),
        )
        session.add(invite)
        await session.flush()
        group = await session.scalar(select(Group.id).where(Group.public_id == company.group_id))
        role_id = await session.scalar(select(Role.id).where(Role.public_id == company.roles[role]))
        assert group is not None
        membership = Membership(
            company_id=company.internal_id, invite_id=invite.id, group_id=group, role_id=role_id
        )
        session.add(membership)
        await session.commit()
        return invite.public_id, membership.public_id


async def make_role(world: World, company: CompanyInfo, name: str, *permissions: str) -> str:
    """A role with exactly these permissions in ``company``; its publicId (also registered in
    ``company.roles`` under ``name``)."""
    async with world.sessionmaker() as session:
        role = Role(
            company_id=company.internal_id,
            name=name,
            permissions=[RolePermission(permission=p) for p in permissions],
        )
        session.add(role)
        await session.commit()
        company.roles[name] = role.public_id
        return role.public_id


async def make_group(world: World, company: CompanyInfo, name: str) -> str:
    async with world.sessionmaker() as session:
        root = await session.scalar(select(Group.id).where(Group.public_id == company.group_id))
        group = Group(company_id=company.internal_id, name=name, parent_id=root)
        session.add(group)
        await session.commit()
        return group.public_id


async def memberships_of(world: World, person: Person | User) -> list[dict[str, Any]]:
    """Every membership of the user in every company, as (company, group, role, expires)."""
    user = person.user if isinstance(person, Person) else person
    async with world.sessionmaker() as session:
        rows = await session.execute(
            select(Membership.public_id, Membership.company_id, Group.public_id, Role.public_id,
                   Membership.expires_on)
            .join(Group, Group.id == Membership.group_id)
            .outerjoin(Role, Role.id == Membership.role_id)
            .where(Membership.user_id == user.id)
            .order_by(Membership.id)
        )  # fmt: skip
        return [
            {"publicId": m, "company": c, "group": g, "role": r, "expiresOn": e}
            for m, c, g, r, e in rows.all()
        ]


async def user_exists(world: World, public_id: str) -> bool:
    async with world.sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).select_from(User).where(User.public_id == public_id)
        )
        return bool(count)


@contextmanager
def count_queries(engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL statements run inside the block."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
