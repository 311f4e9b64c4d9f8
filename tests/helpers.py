"""Shared test helpers: a world of two companies, and an API client that checks every answer
against IXON's schemas."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.access_tokens import service as token_service
from app.applications import service as application_service
from app.companies import service as company_service
from app.companies.schemas import CompanyCreate
from app.groups.repository import GroupRepository
from app.memberships.models import Membership
from app.roles.models import Role
from app.users import service as user_service
from app.users.models import User
from tests import ixon_schema

PASSWORD = "correct horse battery staple"


@dataclass
class Person:
    user: User
    email: str
    password: str
    token: str

    @property
    def id(self) -> str:
        return self.user.public_id


@dataclass
class CompanyInfo:
    id: str
    internal_id: int
    admin: Person
    group_id: str
    roles: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    sessionmaker: async_sessionmaker[AsyncSession]
    application_id: str
    a: CompanyInfo
    b: CompanyInfo
    _count: int = 0

    async def person(self, name: str = "Someone", password: str = PASSWORD) -> Person:
        """A new account (with a token) that belongs to no company yet."""
        self._count += 1
        email = f"{name.lower().replace(' ', '.')}.{self._count}@example.com"
        async with self.sessionmaker() as session:
            user = await user_service.create_person(
                session, email=email, name=name, password=password
            )
            application = await application_service.get_enabled(session, self.application_id)
            new = await token_service.issue(session, user, application, expires_in=3600)
            await session.commit()
        return Person(user, email, password, new.secret)

    async def member(self, company: CompanyInfo, role: str | None, name: str = "Member") -> Person:
        """A new person with ``role`` (a role name) in ``company``'s company group."""
        person = await self.person(name)
        async with self.sessionmaker() as session:
            role_row = None
            if role is not None:
                role_row = await session.scalar(
                    Role.__table__.select()
                    .with_only_columns(Role.id)
                    .where(Role.public_id == company.roles[role])
                )
            group = await GroupRepository(session).company_group(company.internal_id)
            assert group is not None
            session.add(
                Membership(
                    company_id=company.internal_id,
                    user_id=person.user.id,
                    group_id=group.id,
                    role_id=role_row,
                )
            )
            await session.commit()
        return person


async def _company(session: AsyncSession, name: str, email: str) -> CompanyInfo:
    application = await application_service.first_operator_application(session)
    assert application is not None
    user = await user_service.create_person(
        session, email=email, name=f"{name} Admin", password=PASSWORD
    )
    company = await company_service.create(session, user, CompanyCreate(name=name))
    new = await token_service.issue(session, user, application, expires_in=3600)
    group = await GroupRepository(session).company_group(company.id)
    assert group is not None
    roles = await session.execute(
        Role.__table__.select()
        .with_only_columns(Role.name, Role.public_id)
        .where(Role.company_id == company.id)
    )
    return CompanyInfo(
        id=company.public_id,
        internal_id=company.id,
        admin=Person(user, email, PASSWORD, new.secret),
        group_id=group.public_id,
        roles={n: p for n, p in roles.all()},
    )


async def make_world(sessionmaker: async_sessionmaker[AsyncSession]) -> World:
    async with sessionmaker() as session:
        application = await application_service.add(session, "Test application")
        a = await _company(session, "Company A", "admin.a@example.com")
        b = await _company(session, "Company B", "admin.b@example.com")
        await session.commit()
    return World(sessionmaker, application.public_id, a, b)


def basic(email: str, password: str, otp: str = "", *, urlsafe: bool = False) -> str:
    raw = f"{email}:{otp}:{password}".encode()
    encode = base64.urlsafe_b64encode if urlsafe else base64.b64encode
    return "Basic " + encode(raw).decode()


_DEFAULT = object()


class Api:
    """An IXON client for tests: sends the headers, checks every answer against IXON's schema."""

    def __init__(self, client: httpx.AsyncClient, world: World) -> None:
        self.client = client
        self.world = world

    async def request(
        self,
        method: str,
        path: str,
        *,
        token: Any = _DEFAULT,
        company: Any = _DEFAULT,
        application: Any = _DEFAULT,
        branding: str | None = None,
        json: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        prefix: str = "",
    ) -> httpx.Response:
        sent = {"Api-Version": "2", "Content-Type": "application/json"}
        application = self.world.application_id if application is _DEFAULT else application
        token = self.world.a.admin.token if token is _DEFAULT else token
        company = self.world.a.id if company is _DEFAULT else company
        if application is not None:
            sent["Api-Application"] = application
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        if company is not None:
            sent["Api-Company"] = company
        if branding is not None:
            sent["Api-Branding"] = branding
        sent.update(headers or {})
        response = await self.client.request(
            method, prefix + path, json=json, params=params, headers=sent
        )
        assert response.status_code < 500, response.text
        ixon_schema.validate(prefix + path, method, response.status_code, response.json())
        return response

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("POST", path, **kwargs)

    async def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("PATCH", path, **kwargs)

    async def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("PUT", path, **kwargs)

    async def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("DELETE", path, **kwargs)


def errors(response: httpx.Response) -> list[dict[str, Any]]:
    body = response.json()
    assert body["status"] == "error" and body["type"] == "Error", body
    return list(body["data"])


def error_props(response: httpx.Response) -> set[str | None]:
    return {e["propertyName"] for e in errors(response)}
