"""The invitee's side through the API: reading, accepting (new account, existing account,
logged in) and declining an invite; expiry and single use of the link."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select

from app.core.clock import utcnow
from app.groups.models import Group
from app.memberships.models import Membership
from app.roles.models import Role
from app.users.models import User
from tests import ixon_schema
from tests.helpers import Api, World, basic, error_props, errors
from tests.invites.support import (
    BRANDING,
    as_link,
    expire,
    invite,
    invite_row,
    item,
    link_of,
    memberships_of_invite,
)

NEW_ACCOUNT = {"name": "Ada Lovelace", "password": "analytical engine", "language": "en",
               "localisation": "en_GB", "timeZone": "Europe/London"}  # fmt: skip


async def _log_in(api: Api, email: str, password: str) -> str:
    response = await api.post(
        "/access-tokens",
        token=None,
        company=None,
        json={"expiresIn": 3600},
        params={"fields": "secretId"},
        headers={"Authorization": basic(email, password)},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["data"]["secretId"])


async def _companies(api: Api, token: str) -> set[str]:
    response = await api.get("/companies", token=token, company=None)
    return {c["publicId"] for c in response.json()["data"]}


async def _user(world: World, email: str) -> User | None:
    async with world.sessionmaker() as session:
        return await session.scalar(select(User).where(User.email_normalized == email.lower()))


async def test_a_new_person_creates_the_account_and_joins(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    invite_id = await invite(api, "Ada@Example.com", "Editor")
    secret = await link_of(world.sessionmaker, invite_id)
    response = await as_link(client, world, "POST", "/users", secret, NEW_ACCOUNT)
    assert response.status_code == 201, response.text
    ixon_schema.validate("/users", "POST", 201, response.json())
    user_id = response.json()["data"]["publicId"]

    user = await _user(world, "ada@example.com")
    assert user is not None and user.public_id == user_id
    assert (user.name, user.email_address) == ("Ada Lovelace", "Ada@example.com")
    assert (user.localisation, user.time_zone) == ("en_GB", "Europe/London")
    row = await invite_row(world.sessionmaker, invite_id)
    assert row.status == "accepted" and row.accepted_by_id == user.id and row.finished_on
    assert await memberships_of_invite(world.sessionmaker, invite_id) == []
    async with world.sessionmaker() as session:
        held = list(await session.scalars(select(Membership).where(Membership.user_id == user.id)))
    assert [(m.company_id, m.invite_id) for m in held] == [(world.a.internal_id, None)]

    token = await _log_in(api, "ada@example.com", NEW_ACCOUNT["password"])
    assert await _companies(api, token) == {world.a.id}
    users = await api.get("/users")
    assert user_id in {u["publicId"] for u in users.json()["data"]}
    shown = await api.get(f"/invites/{invite_id}", params={"fields": "status"})
    assert shown.json()["data"] == {"publicId": invite_id, "status": "accepted"}
    # The link was single use.
    again = await as_link(client, world, "POST", "/users", secret, NEW_ACCOUNT)
    assert again.status_code == 410


async def test_post_users_needs_the_link_and_a_good_body(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    invite_id = await invite(api, "careful@example.com")
    secret = await link_of(world.sessionmaker, invite_id)
    headers = {"Api-Version": "2", "Api-Application": world.application_id}
    missing = await client.post("/users", headers=headers, json=NEW_ACCOUNT)
    assert missing.status_code == 401 and error_props(missing) == {"Authorization"}
    # Without the link, nothing of the body or query is read.
    bad = await client.post("/users", headers=headers, json={**NEW_ACCOUNT, "password": "x"})
    assert bad.status_code == 401 and error_props(bad) == {"Authorization"}
    fields = await client.get("/invites/me", headers=headers, params={"fields": "((("})
    assert fields.status_code == 401 and error_props(fields) == {"Authorization"}
    sso_unknown = await as_link(
        client, world, "POST", "/users", "not-a-link",
        {**NEW_ACCOUNT, "ssoAuthentication": {"code": "x", "state": "y"}},
    )  # fmt: skip
    assert sso_unknown.status_code == 401  # the link is checked before the body's content
    unknown = await as_link(client, world, "POST", "/users", "not-a-link", NEW_ACCOUNT)
    assert unknown.status_code == 401 and errors(unknown)[0]["message"] == "This link is not valid"
    short = await as_link(
        client, world, "POST", "/users", secret, {**NEW_ACCOUNT, "password": "short"}
    )
    assert short.status_code == 400 and error_props(short) == {"password"}
    sso = await as_link(
        client, world, "POST", "/users", secret,
        {**NEW_ACCOUNT, "ssoAuthentication": {"code": "x", "state": "y"}},
    )  # fmt: skip
    assert sso.status_code == 400 and error_props(sso) == {"ssoAuthentication"}
    access = await as_link(client, world, "POST", "/users", world.a.admin.token, NEW_ACCOUNT)
    assert access.status_code == 401  # an access token is not a link
    assert await _user(world, "careful@example.com") is None
    assert (await invite_row(world.sessionmaker, invite_id)).status == "pending"


async def test_post_users_refuses_an_address_with_an_account(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    person = await world.person("Has Account")
    invite_id = await invite(api, person.email)
    secret = await link_of(world.sessionmaker, invite_id)
    response = await as_link(client, world, "POST", "/users", secret, NEW_ACCOUNT)
    assert response.status_code == 409
    assert "/invites/me/finish" in errors(response)[0]["message"]
    assert (await invite_row(world.sessionmaker, invite_id)).status == "pending"


async def test_an_existing_account_accepts_with_the_link(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    person = await world.person("External User")
    invite_id = await invite(api, person.email.upper(), "Editor")
    secret = await link_of(world.sessionmaker, invite_id)
    response = await as_link(client, world, "POST", "/invites/me/finish", secret)
    assert response.status_code == 201, response.text
    ixon_schema.validate("/invites/me/finish", "POST", 201, response.json())
    assert await _companies(api, person.token) == {world.a.id}
    row = await invite_row(world.sessionmaker, invite_id)
    assert row.status == "accepted" and row.accepted_by_id == person.user.id
    # One login, many companies: company B invites the same account.
    other = await invite(api, person.email, company=world.b)
    done = await api.post(f"/invites/{other}/finish", token=person.token, company=None, json={})
    assert done.status_code == 201
    assert await _companies(api, person.token) == {world.a.id, world.b.id}
    assert (await as_link(client, world, "POST", "/invites/me/finish", secret)).status_code == 410


async def test_finishing_by_link_without_an_account_points_to_post_users(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    invite_id = await invite(api, "nobody@example.com")
    secret = await link_of(world.sessionmaker, invite_id)
    response = await as_link(client, world, "POST", "/invites/me/finish", secret, {})
    assert response.status_code == 409
    assert "POST /users" in errors(response)[0]["message"]
    assert (await invite_row(world.sessionmaker, invite_id)).status == "pending"


async def test_a_logged_in_user_accepts_only_their_own_invites(api: Api, world: World) -> None:
    person = await world.person("Invitee")
    stranger = await world.person("Stranger")
    invite_id = await invite(api, person.email)
    theirs = await api.post(
        f"/invites/{invite_id}/finish", token=stranger.token, company=None, json={}
    )
    assert theirs.status_code == 404
    mine = await api.post(f"/invites/{invite_id}/finish", token=person.token, company=None)
    assert mine.status_code == 201
    again = await api.post(f"/invites/{invite_id}/finish", token=person.token, company=None)
    assert again.status_code == 409 and "accepted already" in errors(again)[0]["message"]


async def test_accepting_merges_a_membership_the_user_holds_already(api: Api, world: World) -> None:
    person = await world.person("Returning")
    async with world.sessionmaker() as session:
        viewer_role = await session.scalar(
            select(Role.id).where(Role.public_id == world.a.roles["Viewer"])
        )
        group = await session.scalar(select(Group.id).where(Group.public_id == world.a.group_id))
        assert viewer_role is not None and group is not None
        session.add(
            Membership(
                company_id=world.a.internal_id,
                user_id=person.user.id,
                group_id=group,
                role_id=viewer_role,
                expires_on=utcnow() - timedelta(days=1),
            )
        )
        await session.commit()
    invite_id = await invite(api, person.email, "Viewer")  # expired: not a member any more
    response = await api.post(f"/invites/{invite_id}/finish", token=person.token, company=None)
    assert response.status_code == 201
    async with world.sessionmaker() as session:
        held = list(
            await session.scalars(select(Membership).where(Membership.user_id == person.user.id))
        )
    assert len(held) == 1 and held[0].expires_on is None  # the invite's permanent one wins
    assert await _companies(api, person.token) == {world.a.id}


async def test_an_expired_invite_cannot_be_accepted(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    person = await world.person("Too Late")
    invite_id = await invite(api, person.email)
    secret = await link_of(world.sessionmaker, invite_id)
    await expire(world.sessionmaker, invite_id)
    for response in (
        await as_link(client, world, "GET", "/invites/me", secret),
        await as_link(client, world, "POST", "/invites/me/finish", secret),
        await as_link(client, world, "POST", "/users", secret, NEW_ACCOUNT),
    ):
        assert response.status_code == 410, response.text
    finish = await api.post(f"/invites/{invite_id}/finish", token=person.token, company=None)
    assert finish.status_code == 410
    assert errors(finish)[0]["message"] == (
        "This invitation has expired; ask Company A Admin to send it again"
    )
    assert await _companies(api, person.token) == set()


async def test_a_withdrawn_invite_cannot_be_accepted(api: Api, world: World) -> None:
    person = await world.person("Withdrawn")
    invite_id = await invite(api, person.email)
    await api.delete(f"/invites/{invite_id}")
    finish = await api.post(f"/invites/{invite_id}/finish", token=person.token, company=None)
    assert finish.status_code == 410 and "withdrawn" in errors(finish)[0]["message"]


async def test_reading_the_link_shows_the_invite_and_uses_nothing(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    invite_id = await invite(api, "reader@example.com", "Editor", message="Hello")
    secret = await link_of(world.sessionmaker, invite_id)
    for _ in range(2):
        response = await as_link(client, world, "GET", "/invites/me", secret)
        assert response.status_code == 200
        ixon_schema.validate("/invites/me", "GET", 200, response.json())
    assert response.json()["data"] == {
        "publicId": invite_id,
        "emailAddress": "reader@example.com",
        "expiresOn": response.json()["data"]["expiresOn"],
        "status": "pending",
        "company": {"publicId": world.a.id, "name": "Company A"},
    }
    full = await client.get(
        "/invites/me", params={"fields": "*,company(publicId,name),memberships(role)"},
        headers={"Api-Version": "2", "Api-Application": world.application_id,
                 "Authorization": f"Bearer {secret}"},
    )  # fmt: skip
    data = full.json()["data"]
    ixon_schema.validate("/invites/me", "GET", 200, full.json())
    assert data["company"] == {"publicId": world.a.id, "name": "Company A"}
    assert data["language"] == "en" and "user" not in data  # no account for the address
    assert [m["role"]["publicId"] for m in data["memberships"]] == [world.a.roles["Editor"]]
    assert (await invite_row(world.sessionmaker, invite_id)).status == "pending"


async def test_the_link_shows_the_account_to_its_owner(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    person = await world.person("Owner")
    secret = await link_of(world.sessionmaker, await invite(api, person.email))
    response = await client.get(
        "/invites/me", params={"fields": "user"},
        headers={"Api-Version": "2", "Api-Application": world.application_id,
                 "Authorization": secret},
    )  # fmt: skip
    assert response.status_code == 200
    ixon_schema.validate("/invites/me", "GET", 200, response.json())
    assert response.json()["data"]["user"]["publicId"] == person.id


async def test_declining_with_the_link(api: Api, world: World, client: httpx.AsyncClient) -> None:
    invite_id = await invite(api, "no.thanks@example.com")
    secret = await link_of(world.sessionmaker, invite_id)
    response = await as_link(client, world, "DELETE", "/invites/me", secret)
    assert response.status_code == 200 and response.json()["data"] is None
    assert (await invite_row(world.sessionmaker, invite_id)).status == "declined"
    assert await memberships_of_invite(world.sessionmaker, invite_id) == []
    assert (await as_link(client, world, "DELETE", "/invites/me", secret)).status_code == 410
    assert (await as_link(client, world, "POST", "/users", secret, NEW_ACCOUNT)).status_code == 410
    listed = await api.get("/invites", params={"filters": 'eq(status,"declined")'})
    assert [i["publicId"] for i in listed.json()["data"]] == [invite_id]


async def test_the_link_calls_need_an_application(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    secret = await link_of(world.sessionmaker, await invite(api, "app@example.com"))
    response = await client.get(
        "/invites/me", headers={"Api-Version": "2", "Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 400 and error_props(response) == {"Api-Application"}
    none = await client.get(
        "/invites/me", headers={"Api-Version": "2", "Api-Application": world.application_id}
    )
    assert none.status_code == 401


async def test_my_invites_across_companies(api: Api, world: World) -> None:
    person = await world.person("Popular")
    from_a = await invite(api, person.email.upper())
    from_b = await invite(api, person.email, company=world.b)
    await invite(api, "someone.else@example.com")
    response = await api.get(
        "/users/me/invites", token=person.token, company=None,
        params={"fields": "publicId,company(publicId,name),status"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.json()["data"] == [
        {"publicId": from_a, "company": {"publicId": world.a.id, "name": "Company A"},
         "status": "pending"},
        {"publicId": from_b, "company": {"publicId": world.b.id, "name": "Company B"},
         "status": "pending"},
    ]  # fmt: skip
    one = await api.get(
        f"/users/me/invites/{from_b}", token=person.token, company=None, params={"fields": "*"}
    )
    assert one.status_code == 200 and one.json()["data"]["company"]["publicId"] == world.b.id
    stranger = await world.person("Stranger")
    hidden = await api.get(f"/users/me/invites/{from_b}", token=stranger.token, company=None)
    assert hidden.status_code == 404
    assert (await api.get("/users/me/invites", token=stranger.token, company=None)).json()[
        "data"
    ] == []


async def test_declining_my_invites(api: Api, world: World) -> None:
    person = await world.person("Declines")
    first = await invite(api, person.email)
    second = await invite(api, person.email, company=world.b)
    stranger = await world.person("Stranger")
    refused = await api.delete(f"/users/me/invites/{first}", token=stranger.token, company=None)
    assert refused.status_code == 404
    done = await api.delete(f"/users/me/invites/{first}", token=person.token, company=None)
    assert done.status_code == 200
    assert (await invite_row(world.sessionmaker, first)).status == "declined"
    bulk = await api.delete(
        "/users/me/invites", token=person.token, company=None,
        json=[{"publicId": second}, {"publicId": first}],
    )  # fmt: skip
    assert bulk.status_code == 409 and [e["listIndex"] for e in errors(bulk)] == [1]
    assert (await invite_row(world.sessionmaker, second)).status == "pending"
    ok = await api.delete(
        "/users/me/invites", token=person.token, company=None, json={"publicId": second}
    )
    assert ok.status_code == 200
    assert (await api.get("/users/me/invites", token=person.token, company=None)).json()[
        "data"
    ] == []


async def test_the_api_prefix_serves_the_same_operations(api: Api, world: World) -> None:
    response = await api.post(
        "/invites", json=[item(world.a, "shape@example.com")], branding=BRANDING, prefix="/api"
    )
    assert response.status_code == 201
