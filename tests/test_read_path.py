"""The read operations' own authentication (app/auth/reader.py) answers as the full one does,
records use as it does, and sees a revocation or a removed membership at once."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from app.access_tokens.models import AccessToken
from app.core import security
from app.memberships.models import Membership
from app.users.models import User
from tests.helpers import Api, World, error_props

READS = ["/roles", "/groups", "/users"]


async def _used(world: World, token: str) -> tuple[object, object]:
    async with world.sessionmaker() as session:
        row = (
            await session.execute(
                select(AccessToken.last_used_on, User.last_seen_on)
                .join(User, User.id == AccessToken.user_id)
                .where(AccessToken.secret_hash == security.token_hash(token))
            )
        ).one()
        return row[0], row[1]


async def test_a_read_records_the_tokens_and_the_users_use(api: Api, world: World) -> None:
    member = await world.member(world.a, "User")
    assert await _used(world, member.token) == (None, None)
    assert (await api.get("/roles", token=member.token)).status_code == 200
    token_used, user_seen = await _used(world, member.token)
    assert token_used is not None and user_seen is not None
    assert (await api.get("/groups", token=member.token)).status_code == 200
    assert await _used(world, member.token) == (token_used, user_seen)  # once a minute


@pytest.mark.parametrize("path", READS)
async def test_a_revoked_token_or_a_removed_membership_is_refused_at_once(
    api: Api, world: World, path: str
) -> None:
    member = await world.member(world.a, "Viewer")
    assert (await api.get(path, token=member.token)).status_code == 200
    async with world.sessionmaker() as session:
        await session.execute(delete(Membership).where(Membership.user_id == member.user.id))
        await session.commit()
    removed = await api.get(path, token=member.token)
    assert removed.status_code == 404 and error_props(removed) == {"Api-Company"}
    async with world.sessionmaker() as session:
        await session.execute(delete(AccessToken).where(AccessToken.user_id == member.user.id))
        await session.commit()
    revoked = await api.get(path, token=member.token)
    assert revoked.status_code == 401 and error_props(revoked) == {"Authorization"}


async def test_users_need_view_users_on_the_read_path_too(api: Api, world: World) -> None:
    member = await world.member(world.a, "User")
    refused = await api.get("/users", token=member.token)
    assert refused.status_code == 403
    viewer = await world.member(world.a, "Viewer")
    assert (await api.get("/users", token=viewer.token)).status_code == 200


async def test_an_unknown_application_is_named_before_the_token(api: Api) -> None:
    response = await api.client.get(
        "/roles",
        headers={
            "Api-Version": "2",
            "Api-Application": "unknownappl1",
            "Api-Company": "1234-5678-9012-3456-7890",
            "Authorization": "Bearer nonsense",
        },
    )
    assert response.status_code == 400 and error_props(response) == {"Api-Application"}
