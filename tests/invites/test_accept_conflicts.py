"""Accepting when someone else got there first: an account made for the address at the same
moment (another invite, a registration) is a 409 in the envelope, not a 500. Twenty accepts
of one link at once: tests/races/test_invites.py."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from app.users.models import User
from app.users.repository import UserRepository
from tests.helpers import Api, World, errors
from tests.invites.support import as_link, invite, invite_row, link_of

NEW_ACCOUNT = {"name": "Grace Hopper", "password": "a long passphrase"}


async def _accounts(world: World, email: str) -> int:
    async with world.sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).select_from(User).where(User.email_normalized == email)
        )
        return int(count or 0)


async def test_an_account_made_for_the_address_meanwhile_is_a_409(
    api: Api, world: World, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As when a registration of the address commits after this request looked for it."""
    email = "grace@example.com"
    invite_id = await invite(api, email)
    secret = await link_of(world.sessionmaker, invite_id)
    await world.person("Grace")  # grace.N@example.com: make it the invited address
    async with world.sessionmaker() as session:
        other = await session.scalar(select(User).order_by(User.id.desc()).limit(1))
        assert other is not None
        other.email_address, other.email_normalized = email, email
        await session.commit()

    async def not_seen(self: UserRepository, address: str) -> User | None:
        return None

    monkeypatch.setattr(UserRepository, "by_email", not_seen)
    response = await as_link(client, world, "POST", "/users", secret, NEW_ACCOUNT)
    assert response.status_code == 409
    assert errors(response) == [
        {
            "message": "An account with this e-mail address exists already",
            "propertyName": "emailAddress",
            "listIndex": None,
        }
    ]
    assert await _accounts(world, email) == 1
    assert (await invite_row(world.sessionmaker, invite_id)).status == "pending"
