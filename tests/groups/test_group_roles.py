"""`GET /groups/roles`: the caller's roles in each group of the company."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.groups.support import add_membership, new_group, new_group_type
from tests.helpers import Api, World


async def test_an_administrator_sees_the_company_group_and_their_role(
    api: Api, world: World
) -> None:
    response = await api.get("/groups/roles")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "GroupRole" and body["moreAfter"] is None
    assert body["data"] == [
        {
            "group": {"publicId": world.a.group_id, "name": "Company A"},
            "roles": [{"publicId": world.a.roles["Administrator"], "name": "Administrator"}],
        }
    ]
    # Not taken for a group id by `/groups/{publicId}`, and served under `/api` too.
    prefixed = await api.get("/groups/roles", prefix="/api")
    assert prefixed.json()["data"] == body["data"]


async def test_each_live_membership_counts_once_per_group(api: Api, world: World) -> None:
    site = await new_group_type(api, "Site")
    plant = await new_group(api, "Plant", site)
    hall = await new_group(api, "Hall", site)
    await new_group(api, "Elsewhere", site)
    person = await world.member(world.a, "Viewer")
    future = datetime.now(UTC) + timedelta(days=3)
    past = datetime.now(UTC) - timedelta(days=3)
    await add_membership(world, world.a, person.user, plant, world.a.roles["Editor"], future)
    await add_membership(world, world.a, person.user, plant, world.a.roles["User"])
    await add_membership(world, world.a, person.user, hall, world.a.roles["Editor"], past)
    # A membership elsewhere does not show up here.
    await add_membership(world, world.b, person.user, world.b.group_id, world.b.roles["User"])

    response = await api.get(
        "/groups/roles",
        token=person.token,
        params={"fields": "group(name,isCompanyGroup,parent),roles(name,permissions)"},
    )
    assert response.status_code == 200
    roles = world.a.roles
    assert response.json()["data"] == [
        {
            "group": {"publicId": world.a.group_id, "name": "Company A", "parent": None,
                      "isCompanyGroup": True},
            "roles": [{"publicId": roles["Viewer"], "name": "Viewer",
                       "permissions": [{"publicId": "VIEW_USERS"}]}],
        },
        {
            "group": {"publicId": plant, "name": "Plant",
                      "parent": {"publicId": world.a.group_id}, "isCompanyGroup": False},
            "roles": [
                {"publicId": roles["Editor"], "name": "Editor",
                 "permissions": [{"publicId": "MANAGE_GROUPS"}, {"publicId": "VIEW_USERS"}]},
                {"publicId": roles["User"], "name": "User", "permissions": []},
            ],
        },
    ]  # fmt: skip
    everything = await api.get("/groups/roles", token=person.token, params={"fields": "*"})
    first = everything.json()["data"][0]
    assert first["group"] == {"publicId": world.a.group_id}
    assert first["roles"] == [{"publicId": world.a.roles["Viewer"]}]
    in_b = await api.get("/groups/roles", token=person.token, company=world.b.id)
    assert [item["roles"][0]["name"] for item in in_b.json()["data"]] == ["User"]


async def test_a_membership_without_a_role_lists_the_group_without_roles(
    api: Api, world: World
) -> None:
    person = await world.member(world.a, None)
    response = await api.get("/groups/roles", token=person.token)
    assert response.json()["data"] == [
        {"group": {"publicId": world.a.group_id, "name": "Company A"}, "roles": []}
    ]


async def test_group_roles_are_paged(api: Api, world: World) -> None:
    site = await new_group_type(api, "Site")
    for name in ("G1", "G2"):
        group = await new_group(api, name, site)
        await add_membership(world, world.a, world.a.admin.user, group, world.a.roles["User"])
    first = await api.get("/groups/roles", params={"page-size": "2", "fields": "group.name"})
    assert [i["group"]["name"] for i in first.json()["data"]] == ["Company A", "G1"]
    cursor = first.json()["moreAfter"]
    assert cursor is not None
    rest = await api.get(
        "/groups/roles", params={"page-size": "2", "page-after": cursor, "fields": "group.name"}
    )
    assert [i["group"]["name"] for i in rest.json()["data"]] == ["G2"]
    assert rest.json()["moreAfter"] is None


async def test_bad_fields_are_400_not_500(api: Api, world: World) -> None:
    # IXON documents no error for this operation, so the raw client is used.
    response = await api.client.get(
        "/groups/roles",
        params={"fields": "group.nope"},
        headers={
            "Api-Version": "2",
            "Api-Application": world.application_id,
            "Api-Company": world.a.id,
            "Authorization": f"Bearer {world.a.admin.token}",
        },
    )
    assert response.status_code == 400
    assert response.json()["data"][0]["propertyName"] == "fields"
