"""Service accounts (`/users/service-account*`): creating, using, listing and deleting them."""

from __future__ import annotations

from typing import Any

from tests.helpers import Api, World, error_props, errors
from tests.memberships.support import make_role, memberships_of, user_exists

PATH = "/users/service-account"


async def create(api: Api, *names: str, token: Any = None) -> list[dict[str, Any]]:
    kwargs = {"token": token} if token is not None else {}
    response = await api.post(PATH, json=[{"name": n} for n in names], **kwargs)
    assert response.status_code == 201, response.text
    return list(response.json()["data"])


async def test_creating_service_accounts(api: Api, world: World) -> None:
    response = await api.post(PATH, json=[{"name": "Robot"}, {"name": "ERP sync"}])
    assert response.status_code == 201
    body = response.json()
    assert body["type"] == "ServiceAccount"
    first, second = body["data"]
    for made in (first, second):
        assert set(made) == {"publicId", "apiApplication", "token"}
        assert len(made["publicId"]) == 12 and len(made["apiApplication"]["publicId"]) == 12
        assert len(made["token"]) == 32
    assert first["token"] != second["token"]
    assert first["apiApplication"] != second["apiApplication"]

    listed = await api.get(
        "/users",
        params={
            "filters": 'eq(type,"service_account")',
            "fields": "*,memberships.*,apiApplications.*",
        },
    )
    robot = listed.json()["data"][0]
    assert robot["publicId"] == first["publicId"] and robot["name"] == "Robot"
    assert robot["emailAddress"] is None and robot["type"] == "service_account"
    assert robot["apiApplications"] == [
        {"publicId": first["apiApplication"]["publicId"], "name": "Robot", "custom": {}}
    ]
    [membership] = robot["memberships"]
    assert membership["group"] == {"publicId": world.a.group_id} and membership["role"] is None
    assert robot["registeredBy"] == {"publicId": world.a.admin.id}


async def test_one_object_answers_a_list_of_one(api: Api) -> None:
    response = await api.post(PATH, json={"name": "Robot"})
    assert response.status_code == 201
    [made] = response.json()["data"]
    assert len(made["token"]) == 32


async def test_the_token_works_with_its_own_application_only(api: Api, world: World) -> None:
    [robot] = await create(api, "Robot")
    own = robot["apiApplication"]["publicId"]
    me = await api.get("/users/me", token=robot["token"], application=own, company=None,
                       params={"fields": "publicId,type,emailAddress"})  # fmt: skip
    assert me.status_code == 200
    assert me.json()["data"] == {"publicId": robot["publicId"], "type": "service_account",
                                 "emailAddress": None}  # fmt: skip
    roles = await api.get("/roles", token=robot["token"], application=own)
    assert roles.status_code == 200  # a member: reads roles, holds no permission yet
    assert (await api.get("/users", token=robot["token"], application=own)).status_code == 403

    other = await api.get("/users/me", token=robot["token"], company=None)
    assert other.status_code == 401 and error_props(other) == {"Authorization"}
    assert "own Api-Application" in errors(other)[0]["message"]

    granted = await api.post("/users/memberships", json=[{
        "user": {"publicId": robot["publicId"]}, "group": {"publicId": world.a.group_id},
        "role": {"publicId": world.a.roles["Viewer"]}}])  # fmt: skip
    assert granted.status_code == 201
    assert (await api.get("/users", token=robot["token"], application=own)).status_code == 200
    assert (await api.get("/roles", token=robot["token"], application=own,
                          company=world.b.id)).status_code == 404  # fmt: skip


async def test_bad_bodies_create_nothing(api: Api, world: World) -> None:
    for body, expected in (([{"name": "Fine"}, {"name": ""}], {(1, "name")}),
                           ([{"name": "x" * 256}], {(0, "name")}),
                           ([{}], {(0, "name")}),
                           ([{"name": "Robot", "email": "r@example.com"}], {(0, "email")}),
                           ([{"name": None}], {(0, "name")}),
                           ([], {(None, None)}),
                           ("Robot", {(None, None)})):  # fmt: skip
        response = await api.post(PATH, json=body)
        assert response.status_code == 400, body
        assert {(e["listIndex"], e["propertyName"]) for e in errors(response)} == expected, body
    listed = await api.get("/users", params={"filters": 'eq(type,"service_account")'})
    assert listed.json()["data"] == []


async def test_managing_service_accounts_needs_the_permission(api: Api, world: World) -> None:
    [robot] = await create(api, "Robot")
    await make_role(world, world.a, "User manager", "MANAGE_USERS")
    for role in ("Viewer", "Editor", "User", "User manager"):
        caller = await world.member(world.a, role)
        for request in (api.post(PATH, token=caller.token, json=[{"name": "Mine"}]),
                        api.delete(PATH, token=caller.token,
                                   json=[{"publicId": robot["publicId"]}]),
                        api.delete(f"{PATH}/{robot['publicId']}", token=caller.token)):  # fmt: skip
            refused = await request
            assert refused.status_code == 403, role
            assert "MANAGE_SERVICE_ACCOUNTS" in errors(refused)[0]["message"]
    await make_role(world, world.a, "Integrator", "MANAGE_SERVICE_ACCOUNTS")
    integrator = await world.member(world.a, "Integrator")
    [mine] = await create(api, "Mine", token=integrator.token)
    deleted = await api.delete(f"{PATH}/{mine['publicId']}", token=integrator.token)
    assert deleted.status_code == 200
    assert await user_exists(world, robot["publicId"])


async def test_deleting_service_accounts(api: Api, world: World) -> None:
    first, second, third = await create(api, "One", "Two", "Three")
    response = await api.delete(PATH, json=[{"publicId": first["publicId"]},
                                            {"publicId": second["publicId"]}])  # fmt: skip
    assert response.status_code == 200 and response.json()["data"] is None
    single = await api.delete(f"{PATH}/{third['publicId']}")
    assert single.status_code == 200
    for gone in (first, second, third):
        assert not await user_exists(world, gone["publicId"])
        used = await api.get("/users/me", token=gone["token"], company=None,
                             application=gone["apiApplication"]["publicId"])  # fmt: skip
        assert used.status_code == 400 and error_props(used) == {"Api-Application"}
        assert (await api.get(f"/users/{gone['publicId']}")).status_code == 404
    assert await user_exists(world, world.a.admin.id)


async def test_deleting_is_all_or_nothing_and_stays_in_the_company(api: Api, world: World) -> None:
    [mine] = await create(api, "Mine")
    response = await api.post(PATH, token=world.b.admin.token, company=world.b.id,
                              json=[{"name": "Theirs"}])  # fmt: skip
    theirs = response.json()["data"][0]
    member = await world.member(world.a, "Viewer")
    body = [{"publicId": mine["publicId"]}, {"publicId": theirs["publicId"]},
            {"publicId": member.id}, {"publicId": "unknown12345"}]  # fmt: skip
    refused = await api.delete(PATH, json=body)
    assert refused.status_code == 404
    assert [(e["listIndex"], e["propertyName"]) for e in errors(refused)] == [
        (1, "publicId"), (2, "publicId"), (3, "publicId")]  # fmt: skip
    single = await api.delete(f"{PATH}/{theirs['publicId']}")
    assert single.status_code == 404 and errors(single)[0]["listIndex"] is None
    assert (await api.delete(f"{PATH}/{world.a.admin.id}")).status_code == 404
    for kept in (mine["publicId"], theirs["publicId"], member.id, world.a.admin.id):
        assert await user_exists(world, kept)
    assert len(await memberships_of(world, member)) == 1
    bad = await api.delete(PATH, json=[{"id": mine["publicId"]}])
    assert bad.status_code == 400 and error_props(bad) == {"publicId", "id"}


async def test_an_administrator_service_account_needs_an_administrator_to_delete(
    api: Api, world: World
) -> None:
    [robot] = await create(api, "Robot")
    await api.post("/users/memberships", json=[{
        "user": {"publicId": robot["publicId"]}, "group": {"publicId": world.a.group_id},
        "role": {"publicId": world.a.roles["Administrator"]}}])  # fmt: skip
    await make_role(world, world.a, "Integrator", "MANAGE_SERVICE_ACCOUNTS")
    integrator = await world.member(world.a, "Integrator")
    refused = await api.delete(f"{PATH}/{robot['publicId']}", token=integrator.token)
    assert refused.status_code == 403
    assert await user_exists(world, robot["publicId"])
    assert (await api.delete(f"{PATH}/{robot['publicId']}")).status_code == 200
