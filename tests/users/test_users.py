"""The company's users (`/users`, `/users/{publicId}`): listing, reading and removing."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.helpers import Api, World, error_props, errors
from tests.memberships.support import (
    YESTERDAY,
    count_queries,
    join,
    make_role,
    memberships_of,
    user_exists,
)


async def test_the_seed_get_users_call(api: Api, world: World) -> None:
    """IXON's "Manage users" page: GET /users with the documented headers and nothing else."""
    member = await world.member(world.a, "Viewer", name="Jane Doe")
    response = await api.client.get(
        "/users",
        headers={
            "Api-Version": "2",
            "Api-Application": world.application_id,
            "Api-Company": world.a.id,
            "Content-Type": "application/json",
            "Authorization": f"Bearer {world.a.admin.token}",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "success" and body["type"] == "User" and body["moreAfter"] is None
    admin = world.a.admin
    assert body["data"] == [
        {"publicId": admin.id, "type": "person", "name": "Company A Admin",
         "emailAddress": admin.email},
        {"publicId": member.id, "type": "person", "name": "Jane Doe", "emailAddress": member.email},
    ]  # fmt: skip
    assert (await api.get("/users", prefix="/api")).json()["data"] == body["data"]


async def test_users_show_this_companys_memberships_only(api: Api, world: World) -> None:
    member = await world.member(world.a, "Viewer")
    await join(world, world.b, member, "Administrator")
    response = await api.get("/users", params={"fields": "*,memberships.*"})
    assert response.status_code == 200
    by_id = {u["publicId"]: u for u in response.json()["data"]}
    shown = by_id[member.id]
    assert shown["type"] == "person" and shown["emailAddress"] == member.email
    assert shown["apiApplications"] == [] and shown["otpauthRequired"] is False
    assert [(m["group"], m["role"]) for m in shown["memberships"]] == [
        ({"publicId": world.a.group_id}, {"publicId": world.a.roles["Viewer"]})
    ]
    assert shown["memberships"][0]["user"] == {"publicId": member.id}
    assert shown["registeredOn"].endswith("Z")
    stubs = await api.get("/users", params={"fields": "memberships"})
    assert stubs.json()["data"][1] == {"publicId": member.id, "memberships": [
        {"publicId": shown["memberships"][0]["publicId"]}]}  # fmt: skip
    nested = await api.get("/users", params={"fields": "name,memberships(role,expiresOn)"})
    assert nested.json()["data"][1]["memberships"] == [
        {
            "publicId": shown["memberships"][0]["publicId"],
            "role": {"publicId": world.a.roles["Viewer"]},
            "expiresOn": None,
        }
    ]
    from_b = await api.get("/users", token=world.b.admin.token, company=world.b.id,
                           params={"fields": "memberships.role"})  # fmt: skip
    roles = [m["role"]["publicId"] for u in from_b.json()["data"] for m in u["memberships"]]
    assert roles == [world.b.roles["Administrator"]] * 2


async def test_filters_and_paging(api: Api, world: World) -> None:
    member = await world.member(world.a, "Viewer", name="Jane Doe")
    await world.member(world.a, "User", name="John Roe")
    robot = (await api.post("/users/service-account", json=[{"name": "Robot"}])).json()["data"][0]

    async def names(filters: str) -> list[str]:
        response = await api.get("/users", params={"filters": filters})
        assert response.status_code == 200, response.text
        return [u["name"] for u in response.json()["data"]]

    assert await names(f'eq(emailAddress,"{member.email.upper()}")') == ["Jane Doe"]
    assert await names('contains(emailAddress,"JANE.DOE")') == ["Jane Doe"]
    assert await names('eq(type,"service_account")') == ["Robot"]
    assert await names('eq(type,"person"),contains(name,"ROE")') == ["John Roe"]
    assert await names(f'eq(publicId,"{robot["publicId"]}")') == ["Robot"]
    assert await names("isnull(emailAddress)") == ["Robot"]
    assert await names('in(name,"Jane Doe","John Roe")') == ["Jane Doe", "John Roe"]

    seen, after, pages = [], None, 0
    while True:
        params = {"page-size": "2"} | ({"page-after": after} if after else {})
        page = (await api.get("/users", params=params)).json()
        seen += [u["publicId"] for u in page["data"]]
        pages, after = pages + 1, page["moreAfter"]
        if after is None:
            break
    assert pages == 2 and len(seen) == len(set(seen)) == 4

    for params in ({"filters": 'eq(password,"x")'}, {"filters": "eq(name"},
                   {"fields": "password"}, {"page-size": "0"},
                   {"page-after": "not a cursor!"}):  # fmt: skip
        bad = await api.get("/users", params=params)
        assert bad.status_code == 400, params
        assert error_props(bad) <= {"filters", "fields", "page-size", "page-after"}
    foreign = await api.get("/users", params={"page-after": world.b.admin.id})
    assert foreign.status_code == 400 and error_props(foreign) == {"page-after"}


async def test_listing_costs_the_same_whatever_the_page_holds(
    api: Api, world: World, engine: AsyncEngine
) -> None:
    """No query per user: memberships, applications and registrars come one query each."""
    params = {"fields": "*,memberships.*,apiApplications.*,registeredBy.*"}
    with count_queries(engine) as few:
        assert (await api.get("/users", params=params)).status_code == 200
    for _ in range(3):
        await world.member(world.a, "Viewer")
    await api.post("/users/service-account", json=[{"name": "Robot"}, {"name": "Other robot"}])
    with count_queries(engine) as many:
        response = await api.get("/users", params=params)
    assert len(response.json()["data"]) == 6
    selects = [[s for s in run if s.startswith("SELECT")] for run in (few, many)]
    # + the applications and the registrars, asked for once the page shows some
    assert len(selects[1]) == len(selects[0]) + 2
    robots = [u for u in response.json()["data"] if u["type"] == "service_account"]
    assert all(r["registeredBy"] == {"publicId": world.a.admin.id, "name": "Company A Admin"}
               for r in robots)  # fmt: skip
    assert all(len(r["apiApplications"]) == 1 for r in robots)


async def test_get_one_user(api: Api, world: World) -> None:
    member = await world.member(world.a, "Viewer")
    response = await api.get(f"/users/{member.id}", params={"fields": "publicId,type,memberships"})
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["type"] == "person" and len(data["memberships"]) == 1
    filtered = await api.get(
        f"/users/{member.id}", params={"filters": 'eq(type,"service_account")'}
    )
    assert filtered.status_code == 404


async def test_users_of_other_companies_are_not_found(api: Api, world: World) -> None:
    outsider = await world.person("Outsider")
    for public_id in (world.b.admin.id, outsider.id, "unknown12345", "me2"):
        response = await api.get(f"/users/{public_id}")
        assert response.status_code == 404 and error_props(response) == {"publicId"}
    listed = await api.get("/users", params={"filters": f'eq(publicId,"{world.b.admin.id}")'})
    assert listed.json()["data"] == []


async def test_viewers_list_users_and_plain_users_do_not(api: Api, world: World) -> None:
    viewer = await world.member(world.a, "Viewer")
    plain = await world.member(world.a, "User")
    assert (await api.get("/users", token=viewer.token)).status_code == 200
    assert (await api.get(f"/users/{plain.id}", token=viewer.token)).status_code == 200
    for path in ("/users", f"/users/{viewer.id}"):
        refused = await api.get(path, token=plain.token)
        assert refused.status_code == 403 and "VIEW_USERS" in errors(refused)[0]["message"]


async def test_the_company_header_is_required(api: Api, world: World) -> None:
    missing = await api.get("/users", company=None)
    assert missing.status_code == 400 and error_props(missing) == {"Api-Company"}
    not_mine = await api.get("/users", company=world.b.id)
    assert not_mine.status_code == 404 and error_props(not_mine) == {"Api-Company"}


async def test_the_seed_delete_users_call(api: Api, world: World) -> None:
    """IXON's "Remove a user" call, verbatim: the user leaves the company, the account stays."""
    member = await world.member(world.a, "Viewer")
    await join(world, world.b, member, "User")
    await join(world, world.a, member, "Editor", expires_on=YESTERDAY)
    response = await api.client.request(
        "DELETE",
        "/users",
        headers={
            "Api-Version": "2",
            "Api-Application": world.application_id,
            "Api-Company": world.a.id,
            "Content-Type": "application/json",
            "Authorization": f"Bearer {world.a.admin.token}",
        },
        content='[{"publicId":"' + member.id + '"}]',
    )
    assert response.status_code == 200
    assert response.json() == {"type": "User", "data": None, "status": "success"}
    listed = await api.get("/users")
    assert member.id not in {u["publicId"] for u in listed.json()["data"]}
    assert [m["company"] for m in await memberships_of(world, member)] == [world.b.internal_id]
    me = await api.get("/users/me", token=member.token, company=None)
    assert me.status_code == 200  # the account and its token remain
    assert (await api.get("/roles", token=member.token)).status_code == 404
    assert (await api.get("/roles", token=member.token, company=world.b.id)).status_code == 200


async def test_removing_is_all_or_nothing(api: Api, world: World) -> None:
    first = await world.member(world.a, "Viewer")
    second = await world.member(world.a, "User")
    outsider = await world.person("Outsider")
    body = [{"publicId": first.id}, {"publicId": world.b.admin.id}, {"publicId": second.id},
            {"publicId": outsider.id}]  # fmt: skip
    response = await api.delete("/users", json=body)
    assert response.status_code == 404
    assert [(e["listIndex"], e["propertyName"]) for e in errors(response)] == [
        (1, "publicId"), (3, "publicId")]  # fmt: skip
    assert len(await memberships_of(world, first)) == 1
    assert len(await memberships_of(world, world.b.admin)) == 1
    single = await api.delete(f"/users/{world.b.admin.id}")
    assert single.status_code == 404 and errors(single)[0]["listIndex"] is None
    assert len(await memberships_of(world, world.b.admin)) == 1
    both = await api.delete("/users", json=[{"publicId": first.id}, {"publicId": second.id}])
    assert both.status_code == 200
    assert await memberships_of(world, first) == await memberships_of(world, second) == []


async def test_bad_delete_bodies(api: Api, world: World) -> None:
    member = await world.member(world.a, "Viewer")
    for body, expected in (([{}], {(0, "publicId")}),
                           ([{"publicId": member.id}, {"id": "x"}], {(1, "publicId"), (1, "id")}),
                           ([{"publicId": 12}], {(0, "publicId")}),
                           ([], {(None, None)}),
                           (None, {(None, None)})):  # fmt: skip
        response = await api.delete("/users", json=body)
        assert response.status_code == 400, body
        assert {(e["listIndex"], e["propertyName"]) for e in errors(response)} == expected, body
    raw = await api.client.request(
        "DELETE",
        "/users",
        content="[{",
        headers={
            "Api-Version": "2",
            "Api-Application": world.application_id,
            "Api-Company": world.a.id,
            "Authorization": f"Bearer {world.a.admin.token}",
            "Content-Type": "application/json",
        },
    )
    assert (
        raw.status_code == 400 and errors(raw)[0]["message"] == "The request body is not valid JSON"
    )
    assert len(await memberships_of(world, member)) == 1


async def test_removing_needs_manage_users(api: Api, world: World) -> None:
    member = await world.member(world.a, "User")
    for role in ("Viewer", "Editor", "User"):
        caller = await world.member(world.a, role)
        for request in (api.delete("/users", token=caller.token, json=[{"publicId": member.id}]),
                        api.delete(f"/users/{member.id}", token=caller.token)):  # fmt: skip
            refused = await request
            assert refused.status_code == 403, role
            assert "MANAGE_USERS" in errors(refused)[0]["message"]
    assert len(await memberships_of(world, member)) == 1


async def test_a_manager_cannot_remove_an_administrator(api: Api, world: World) -> None:
    await make_role(world, world.a, "User manager", "MANAGE_USERS")
    manager = await world.member(world.a, "User manager")
    second = await world.member(world.a, "Administrator")
    member = await world.member(world.a, "Viewer")
    refused = await api.delete(
        "/users", token=manager.token, json=[{"publicId": member.id}, {"publicId": second.id}]
    )
    assert refused.status_code == 403
    assert [(e["listIndex"], e["propertyName"]) for e in errors(refused)] == [(1, "publicId")]
    assert len(await memberships_of(world, member)) == 1
    ok = await api.delete(f"/users/{member.id}", token=manager.token)
    assert ok.status_code == 200


async def test_the_last_administrator_cannot_be_removed(api: Api, world: World) -> None:
    member = await world.member(world.a, "Viewer")
    body = [{"publicId": member.id}, {"publicId": world.a.admin.id}]
    refused = await api.delete("/users", json=body)
    assert refused.status_code == 409 and "administrator" in errors(refused)[0]["message"]
    assert len(await memberships_of(world, member)) == 1  # all or nothing
    assert (await api.delete(f"/users/{world.a.admin.id}")).status_code == 409
    # An administrator whose membership has expired does not count.
    former = await world.member(world.a, "User")
    await join(world, world.a, former, "Administrator", expires_on=YESTERDAY)
    assert (await api.delete(f"/users/{world.a.admin.id}")).status_code == 409
    second = await world.member(world.a, "Administrator")
    assert (await api.delete(f"/users/{world.a.admin.id}", token=second.token)).status_code == 200
    assert await memberships_of(world, world.a.admin) == []


async def test_removing_a_service_account_from_its_company_deletes_it(
    api: Api, world: World
) -> None:
    robot = (await api.post("/users/service-account", json=[{"name": "Robot"}])).json()["data"][0]
    manager = await world.member(world.a, None)
    role = (
        await api.post(
            "/roles", json=[{"name": "Users only", "permissions": [{"publicId": "MANAGE_USERS"}]}]
        )
    ).json()["data"][0]["publicId"]
    await api.post(
        "/users/memberships",
        json=[
            {
                "user": {"publicId": manager.id},
                "group": {"publicId": world.a.group_id},
                "role": {"publicId": role},
            }
        ],
    )
    refused = await api.delete(
        "/users", token=manager.token, json=[{"publicId": robot["publicId"]}]
    )
    assert refused.status_code == 403  # deleting a service account needs that permission too
    assert await user_exists(world, robot["publicId"])
    removed = await api.delete("/users", json=[{"publicId": robot["publicId"]}])
    assert removed.status_code == 200
    assert not await user_exists(world, robot["publicId"])
    token = robot["token"]
    gone = await api.get(
        "/users/me", token=token, company=None, application=robot["apiApplication"]["publicId"]
    )
    assert gone.status_code in (400, 401)
