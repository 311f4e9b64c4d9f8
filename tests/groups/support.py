"""Test support for the roles and groups suites: memberships written straight to the database
(the membership endpoints belong to another suite), and counts read back from it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from app.groups.models import Group
from app.memberships.models import Membership
from app.roles.models import Role
from app.users.models import User
from tests.helpers import Api, CompanyInfo, World


async def add_membership(
    world: World,
    company: CompanyInfo,
    user: User,
    group_id: str,
    role_id: str | None,
    expires_on: datetime | None = None,
) -> None:
    async with world.sessionmaker() as session:
        group = await session.scalar(select(Group.id).where(Group.public_id == group_id))
        role = None
        if role_id is not None:
            role = await session.scalar(select(Role.id).where(Role.public_id == role_id))
        assert group is not None
        session.add(
            Membership(
                company_id=company.internal_id,
                user_id=user.id,
                group_id=group,
                role_id=role,
                expires_on=expires_on,
            )
        )
        await session.commit()


async def move_memberships(world: World, user: User, group_id: str) -> None:
    """Moves every membership of ``user`` into the group ``group_id``."""
    async with world.sessionmaker() as session:
        group = await session.scalar(select(Group.id).where(Group.public_id == group_id))
        await session.execute(
            update(Membership).where(Membership.user_id == user.id).values(group_id=group)
        )
        await session.commit()


async def memberships_in(world: World, group_id: str) -> int:
    async with world.sessionmaker() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(Membership)
            .join(Group, Group.id == Membership.group_id)
            .where(Group.public_id == group_id)
        )
        return int(count or 0)


async def new_role(api: Api, name: str, *permissions: str, **kwargs: Any) -> str:
    """Creates a role (as company A's administrator unless ``kwargs`` say otherwise)."""
    body = {"name": name, "permissions": [{"publicId": p} for p in permissions]}
    response = await api.post("/roles", json=[body], **kwargs)
    assert response.status_code == 201, response.text
    return str(response.json()["data"][0]["publicId"])


async def new_group_type(api: Api, name: str = "Site", **kwargs: Any) -> str:
    response = await api.post("/group-types", json=[{"name": name}], **kwargs)
    assert response.status_code == 201, response.text
    return str(response.json()["data"][0]["publicId"])


async def new_group(
    api: Api, name: str, type_id: str, parent: str | None = None, **kwargs: Any
) -> str:
    body: dict[str, Any] = {"name": name, "type": {"publicId": type_id}}
    if parent is not None:
        body["parent"] = {"publicId": parent}
    response = await api.post("/groups", json=[body], **kwargs)
    assert response.status_code == 201, response.text
    return str(response.json()["data"][0]["publicId"])
