"""What the race tests stand on: two `ixon-api serve` processes on one scratch PostgreSQL
database, data seeded straight into that database (fast: no argon2 where no password is
needed), and many concurrent clients.

A race test fires all its requests at once (``asyncio.gather``), alternating between the two
processes, so that they meet in the database, where the invariant must hold."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.access_tokens import service as token_service
from app.action_tokens import service as links
from app.applications import service as application_service
from app.applications.models import Application
from app.auth.permissions import ADMINISTRATOR
from app.companies import service as company_service
from app.companies.schemas import CompanyCreate
from app.core.clock import utcnow
from app.groups.repository import GroupRepository
from app.invites.models import PENDING, Invite
from app.memberships.models import Membership
from app.memberships.repository import MembershipRepository
from app.roles.models import Role, RolePermission
from app.users import service as user_service
from app.users.models import User, normalize_email
from tests.ops.servers import Server

PASSWORD = "a long passphrase"
BRANDING = "portal.ixon.cloud"
CONCURRENCY = 20
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Person:
    public_id: str
    internal_id: int
    email: str
    token: str
    membership: str | None = None  # the publicId of their membership in a seeded company


@dataclass
class Company:
    public_id: str
    internal_id: int
    group_id: str
    roles: dict[str, str]
    admins: list[Person] = field(default_factory=list)


async def _copy_role(session: AsyncSession, role: Role, name: str) -> Role:
    permissions = await session.scalars(
        select(RolePermission.permission).where(RolePermission.role_id == role.id)
    )
    copy = Role(
        company_id=role.company_id,
        name=name,
        permissions=[RolePermission(permission=p) for p in permissions],
    )
    session.add(copy)
    await session.flush()
    return copy


@dataclass
class Seed:
    """Writes straight into the servers' database, committed, for the races to start from."""

    maker: async_sessionmaker[AsyncSession]
    application_id: str

    async def _application(self, session: AsyncSession) -> Application:
        return await application_service.get_enabled(session, self.application_id)

    async def _person(self, session: AsyncSession, name: str, password: str | None) -> Person:
        email = f"{name.lower().replace(' ', '.')}.{uuid.uuid4().hex[:8]}@example.com"
        user = await user_service.create_person(session, email=email, name=name, password=password)
        new = await token_service.issue(
            session, user, await self._application(session), expires_in=3600
        )
        return Person(user.public_id, user.id, email, new.secret)

    async def person(self, name: str = "Someone", password: str | None = None) -> Person:
        async with self.maker() as session:
            person = await self._person(session, name, password)
            await session.commit()
        return person

    async def company(self, admins: int = 1, *, admin_roles: int = 1) -> Company:
        """A company with ``admins`` administrators in its company group. With
        ``admin_roles`` 2 the second administrator holds a role of their own that grants
        COMPANY_ADMIN too ("Administrator 2"), so either role can be stripped."""
        return (await self.companies(1, admins, admin_roles=admin_roles))[0]

    async def companies(
        self, count: int, admins: int = 1, *, admin_roles: int = 1
    ) -> list[Company]:
        """``count`` of ``company(admins, admin_roles)``, in one transaction."""
        async with self.maker() as session:
            made = [await self._company(session, admins, admin_roles) for _ in range(count)]
            await session.commit()
        return made

    async def _company(self, session: AsyncSession, admins: int, admin_roles: int) -> Company:
        first = await self._person(session, "Admin", None)
        user = await session.get(User, first.internal_id)
        assert user is not None
        made = await company_service.create(
            session, user, CompanyCreate(name=f"Race {uuid.uuid4().hex[:6]}")
        )
        group = await GroupRepository(session).company_group(made.id)
        assert group is not None
        roles = {
            r.name: r for r in await session.scalars(select(Role).where(Role.company_id == made.id))
        }
        if admin_roles > 1:
            roles["Administrator 2"] = await _copy_role(
                session, roles[ADMINISTRATOR], "Administrator 2"
            )
        people = [first]
        for _ in range(admins - 1):
            person = await self._person(session, "Admin", None)
            role = roles["Administrator 2" if admin_roles > 1 else ADMINISTRATOR]
            session.add(
                Membership(
                    company_id=made.id,
                    user_id=person.internal_id,
                    group_id=group.id,
                    role_id=role.id,
                )
            )
            people.append(person)
        await session.flush()
        for person in people:
            person.membership = await session.scalar(
                select(Membership.public_id).where(
                    Membership.company_id == made.id, Membership.user_id == person.internal_id
                )
            )
        ids = {name: role.public_id for name, role in roles.items()}
        return Company(made.public_id, made.id, group.public_id, ids, people)

    async def invite(self, company: Company, email: str, role: str = "Viewer") -> str:
        """A pending invite of ``email`` into the company group; the secret of its link."""
        async with self.maker() as session:
            role_id = await session.scalar(
                select(Role.id).where(Role.public_id == company.roles[role])
            )
            group = await GroupRepository(session).company_group(company.internal_id)
            assert group is not None and role_id is not None
            invite = Invite(
                company_id=company.internal_id,
                email_address=email,
                email_normalized=normalize_email(email),
                inviter_id=company.admins[0].internal_id,
                branding=BRANDING,
                status=PENDING,
                expires_on=utcnow() + timedelta(days=1),
            )
            session.add(invite)
            await session.flush()
            session.add(
                Membership(
                    company_id=company.internal_id,
                    invite_id=invite.id,
                    group_id=group.id,
                    role_id=role_id,
                )
            )
            secret = await links.issue(session, links.INVITE, invite.public_id, invite.expires_on)
            await session.commit()
            return secret

    async def has_admin(self, company: Company) -> bool:
        async with self.maker() as session:
            return await MembershipRepository(session).has_live_admin(company.internal_id)

    async def scalars(self, stmt: Any) -> list[Any]:
        async with self.maker() as session:
            return list(await session.scalars(stmt))


@dataclass
class Cluster:
    servers: Sequence[Server]
    seed: Seed
    client: httpx.AsyncClient

    def headers(self, token: str | None, company: Company | None = None) -> dict[str, str]:
        sent = {"Api-Version": "2", "Api-Application": self.seed.application_id}
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        if company is not None:
            sent["Api-Company"] = company.public_id
        return sent

    def base(self, index: int) -> str:
        """The servers take turns: request ``index`` goes to server ``index % count``."""
        return self.servers[index % len(self.servers)].base

    async def call(
        self,
        index: int,
        method: str,
        path: str,
        token: str | None,
        company: Company | None = None,
        json: Any = None,
    ) -> httpx.Response:
        return await self.client.request(
            method, self.base(index) + path, headers=self.headers(token, company), json=json
        )

    async def at_once(self, *calls: Any) -> list[httpx.Response]:
        """Runs the coroutines together: they are all in flight before the first answer."""
        return list(await asyncio.gather(*calls))


def statuses(responses: Sequence[httpx.Response]) -> Counter[int]:
    return Counter(r.status_code for r in responses)


def assert_refusals_in_envelope(responses: Sequence[httpx.Response], allowed: set[int]) -> None:
    """Every answer that is not a success is one of ``allowed``, in IXON's error envelope."""
    for response in responses:
        if response.is_success:
            continue
        assert response.status_code in allowed, (response.status_code, response.text)
        body = response.json()
        assert body["status"] == "error" and body["type"] == "Error", body
        assert body["data"] and all(item["message"] for item in body["data"]), body
