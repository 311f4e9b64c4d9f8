"""The caller's own account: password, deleting it, leaving companies."""

from __future__ import annotations

from sqlalchemy import update

from app.memberships.models import Membership
from tests.helpers import PASSWORD, Api, World, basic, error_props, errors
from tests.memberships.support import YESTERDAY, join, memberships_of, user_exists

BRANDING = "portal.ixon.cloud"
NEW_PASSWORD = "  a new passphrase, spaces kept  "


async def log_in(api: Api, email: str, password: str) -> int:
    response = await api.client.post(
        "/access-tokens",
        json={"expiresIn": 3600},
        headers={"Api-Version": "2", "Api-Application": api.world.application_id,
                 "Authorization": basic(email, password)},
    )  # fmt: skip
    return response.status_code


async def second_token(api: Api, token: str) -> str:
    response = await api.post(
        "/access-tokens",
        token=token,
        company=None,
        json={"expiresIn": 3600},
        params={"fields": "secretId"},
    )
    assert response.status_code == 201
    return str(response.json()["data"]["secretId"])


async def test_changing_the_password(api: Api, world: World) -> None:
    person = await world.person("Changer")
    other = await second_token(api, person.token)
    response = await api.post(
        "/users/me/password", token=person.token, company=None, branding=BRANDING,
        json={"oldPassword": PASSWORD, "newPassword": NEW_PASSWORD, "deleteAccessTokens": False},
    )  # fmt: skip
    assert response.status_code == 201
    assert response.json()["data"] is None and response.json()["status"] == "success"
    assert await log_in(api, person.email, NEW_PASSWORD) == 201
    assert await log_in(api, person.email, PASSWORD) == 401
    assert await log_in(api, person.email, NEW_PASSWORD.strip()) == 401
    kept = await api.get("/users/me", token=other, company=None)
    assert kept.status_code == 200


async def test_changing_the_password_can_revoke_every_other_token(api: Api, world: World) -> None:
    person = await world.person("Changer")
    other = await second_token(api, person.token)
    bystander = await world.person("Bystander")
    response = await api.post(
        "/users/me/password", token=person.token, company=None, branding=BRANDING,
        json={"oldPassword": PASSWORD, "newPassword": NEW_PASSWORD, "deleteAccessTokens": True},
    )  # fmt: skip
    assert response.status_code == 201
    assert (await api.get("/users/me", token=other, company=None)).status_code == 401
    assert (await api.get("/users/me", token=person.token, company=None)).status_code == 200
    assert (await api.get("/users/me", token=bystander.token, company=None)).status_code == 200


async def test_a_wrong_old_password_changes_nothing(api: Api, world: World) -> None:
    person = await world.person("Changer")
    response = await api.post(
        "/users/me/password", token=person.token, company=None, branding=BRANDING,
        json={"oldPassword": "not the password", "newPassword": NEW_PASSWORD,
              "deleteAccessTokens": True},
    )  # fmt: skip
    assert response.status_code == 400 and error_props(response) == {"oldPassword"}
    assert await log_in(api, person.email, PASSWORD) == 201


async def test_bad_password_requests(api: Api, world: World) -> None:
    person = await world.person("Changer")
    good = {"oldPassword": PASSWORD, "newPassword": NEW_PASSWORD, "deleteAccessTokens": False}
    no_branding = await api.post("/users/me/password", token=person.token, company=None,
                                 json=good)  # fmt: skip
    assert no_branding.status_code == 400 and error_props(no_branding) == {"Api-Branding"}
    bad_branding = await api.post("/users/me/password", token=person.token, company=None,
                                  branding="localhost", json=good)  # fmt: skip
    assert bad_branding.status_code == 400 and error_props(bad_branding) == {"Api-Branding"}
    for change, prop in (({"newPassword": "short"}, "newPassword"),
                         ({"newPassword": "x" * 1025}, "newPassword"),
                         ({"oldPassword": None}, "oldPassword"),
                         ({"deleteAccessTokens": "yes"}, "deleteAccessTokens"),
                         ({"deleteAccessTokens": None}, "deleteAccessTokens"),
                         ({"otp": "123456"}, "otp")):  # fmt: skip
        response = await api.post("/users/me/password", token=person.token, company=None,
                                  branding=BRANDING, json=good | change)  # fmt: skip
        assert response.status_code == 400, change
        assert error_props(response) == {prop}, change
        assert errors(response)[0]["listIndex"] is None
    missing = await api.post(
        "/users/me/password",
        token=person.token,
        company=None,
        branding=BRANDING,
        json={"newPassword": NEW_PASSWORD},
    )
    assert error_props(missing) == {"oldPassword", "deleteAccessTokens"}
    anonymous = await api.post("/users/me/password", token=None, company=None,
                               branding=BRANDING, json=good)  # fmt: skip
    assert anonymous.status_code == 401
    assert await log_in(api, person.email, PASSWORD) == 201


async def test_deleting_my_account(api: Api, world: World) -> None:
    member = await world.member(world.a, "Viewer")
    await join(world, world.b, member, "User")
    response = await api.delete("/users/me", token=member.token, company=None)
    assert response.status_code == 200 and response.json()["data"] is None
    assert not await user_exists(world, member.id)
    assert (await api.get("/users/me", token=member.token, company=None)).status_code == 401
    listed = await api.get("/users")
    assert member.id not in {u["publicId"] for u in listed.json()["data"]}
    loner = await world.person("Loner")
    assert (await api.delete("/users/me", token=loner.token, company=None)).status_code == 200


async def test_the_last_administrator_cannot_delete_their_account(api: Api, world: World) -> None:
    refused = await api.delete("/users/me", company=None)
    assert refused.status_code == 409
    assert "Company A" in errors(refused)[0]["message"]
    assert await user_exists(world, world.a.admin.id)
    assert (await api.get("/users/me", company=None)).status_code == 200
    # An expired administrator does not count; a live one does.
    former = await world.member(world.a, "User")
    await join(world, world.a, former, "Administrator", expires_on=YESTERDAY)
    assert (await api.delete("/users/me", company=None)).status_code == 409
    await world.member(world.a, "Administrator")
    assert (await api.delete("/users/me", company=None)).status_code == 200


async def test_leaving_a_company(api: Api, world: World) -> None:
    member = await world.member(world.a, "Viewer")
    await join(world, world.a, member, "Editor", expires_on=YESTERDAY)
    await join(world, world.b, member, "User")
    response = await api.delete("/users/me/leave-companies", token=member.token, company=None,
                                json=[{"publicId": world.a.id}])  # fmt: skip
    assert response.status_code == 200 and response.json()["data"] is None
    assert [m["company"] for m in await memberships_of(world, member)] == [world.b.internal_id]
    assert (await api.get("/roles", token=member.token)).status_code == 404
    assert (await api.get("/roles", token=member.token, company=world.b.id)).status_code == 200
    companies = await api.get("/companies", token=member.token, company=None)
    assert [c["publicId"] for c in companies.json()["data"]] == [world.b.id]


async def test_leaving_is_all_or_nothing(api: Api, world: World) -> None:
    member = await world.member(world.a, "Viewer")
    body = [
        {"publicId": world.a.id},
        {"publicId": world.b.id},
        {"publicId": "0000-0000-0000-0000-0000"},
    ]
    response = await api.delete("/users/me/leave-companies", token=member.token, company=None,
                                json=body)  # fmt: skip
    assert response.status_code == 404
    assert [(e["listIndex"], e["propertyName"]) for e in errors(response)] == [
        (1, "publicId"), (2, "publicId")]  # fmt: skip
    assert len(await memberships_of(world, member)) == 1
    for bad, expected in (([{"publicId": "12345"}], {(0, "publicId")}),
                          ([{}], {(0, "publicId")}), ([], {(None, None)})):  # fmt: skip
        refused = await api.delete("/users/me/leave-companies", token=member.token,
                                   company=None, json=bad)  # fmt: skip
        assert refused.status_code == 400, bad
        assert {(e["listIndex"], e["propertyName"]) for e in errors(refused)} == expected


async def test_the_last_administrator_cannot_leave(api: Api, world: World) -> None:
    await join(world, world.b, world.a.admin, "Viewer")
    refused = await api.delete(
        "/users/me/leave-companies", company=None,
        json=[{"publicId": world.b.id}, {"publicId": world.a.id}],
    )  # fmt: skip
    assert refused.status_code == 409
    assert [(e["listIndex"], e["propertyName"]) for e in errors(refused)] == [(1, "publicId")]
    assert "Company A" in errors(refused)[0]["message"]
    assert len(await memberships_of(world, world.a.admin)) == 2
    await world.member(world.a, "Administrator")
    left = await api.delete("/users/me/leave-companies", company=None,
                            json={"publicId": world.a.id})  # fmt: skip
    assert left.status_code == 200
    assert [m["company"] for m in await memberships_of(world, world.a.admin)] == [
        world.b.internal_id
    ]


async def test_nobody_is_trapped_in_a_company_without_administrator(api: Api, world: World) -> None:
    """When the only administrator's membership has expired, members may still leave."""
    founder = await world.person("Founder")
    created = await api.post("/companies", token=founder.token, company=None,
                             json=[{"name": "Orphaned"}])  # fmt: skip
    company = created.json()["data"][0]["publicId"]
    memberships = await api.get("/users/memberships", token=founder.token, company=company)
    [only] = [m["publicId"] for m in memberships.json()["data"]]
    async with world.sessionmaker() as session:
        await session.execute(
            update(Membership).where(Membership.public_id == only).values(expires_on=YESTERDAY)
        )
        await session.commit()
    left = await api.delete("/users/me/leave-companies", token=founder.token, company=None,
                            json=[{"publicId": company}])  # fmt: skip
    assert left.status_code == 200
    assert (await api.delete("/users/me", token=founder.token, company=None)).status_code == 200


async def test_a_password_change_sends_a_notice_to_the_account(api: Api, world: World) -> None:
    from sqlalchemy import select

    from app.mail.models import OutboxMessage

    response = await api.post(
        "/users/me/password",
        company=None,
        branding="portal.ixon.cloud",
        json={
            "oldPassword": PASSWORD,
            "newPassword": "a brand new passphrase",
            "deleteAccessTokens": False,
        },
    )
    assert response.status_code == 201
    async with world.sessionmaker() as session:
        queued = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "password_changed")
            )
        ).all()
    assert [m.recipient for m in queued] == [world.a.admin.email]
    assert "a brand new passphrase" not in queued[0].text + queued[0].html
