"""The read side the seed needs: permissions, roles, groups, group types, the caller's account."""

from __future__ import annotations

import pytest

from app.auth.permissions import Permission
from tests.helpers import Api, World, error_props


async def test_permissions_are_the_catalogue(api: Api) -> None:
    response = await api.get("/permissions", params={"fields": "publicId,description"})
    ids = [p["publicId"] for p in response.json()["data"]]
    assert ids == [p.value for p in Permission]
    assert all(p["description"] for p in response.json()["data"])
    filtered = await api.get("/permissions", params={"filters": 'in(publicId,"MANAGE_USERS")'})
    assert [p["publicId"] for p in filtered.json()["data"]] == ["MANAGE_USERS"]
    bad = await api.get("/permissions", params={"filters": 'eq(description,"x")'})
    assert bad.status_code == 400 and error_props(bad) == {"filters"}


async def test_roles_read_by_any_member(api: Api, world: World) -> None:
    member = await world.member(world.a, "User")
    role_id = world.a.roles["Viewer"]
    one = await api.get(f"/roles/{role_id}", token=member.token, params={"fields": "*"})
    assert one.status_code == 200
    data = one.json()["data"]
    assert data["name"] == "Viewer" and data["permissions"] == [{"publicId": "VIEW_USERS"}]
    full = await api.get(f"/roles/{role_id}", params={"fields": "permissions.*"})
    assert full.json()["data"]["permissions"] == [{"publicId": "VIEW_USERS", "custom": {}}]


async def test_another_companys_role_group_and_type_are_404(api: Api, world: World) -> None:
    assert (await api.get(f"/roles/{world.b.roles['Viewer']}")).status_code == 404
    assert (await api.get(f"/groups/{world.b.group_id}")).status_code == 404
    assert (await api.get("/roles/doesNotExist")).status_code == 404


async def test_the_company_group(api: Api, world: World) -> None:
    response = await api.get(f"/groups/{world.a.group_id}", params={"fields": "*"})
    data = response.json()["data"]
    assert data["isCompanyGroup"] is True and data["name"] == "Company A"
    assert data["parent"] is None and data["type"] is None


async def test_group_types_start_empty(api: Api) -> None:
    response = await api.get("/group-types")
    assert response.status_code == 200 and response.json()["data"] == []
    assert (await api.get("/group-types/abcdefghijkl")).status_code == 404


@pytest.mark.parametrize("prefix", ["", "/api"])
async def test_my_account(api: Api, world: World, prefix: str) -> None:
    response = await api.get("/users/me", company=None, params={"fields": "*"}, prefix=prefix)
    data = response.json()["data"]
    assert data["emailAddress"] == world.a.admin.email and data["hasPassword"] is True
    assert "passwordHash" not in data and "password_hash" not in data


async def test_only_the_user_edits_their_profile(api: Api, world: World) -> None:
    ok = await api.patch(
        "/users/me",
        company=None,
        json={"name": "New Name", "language": "nl", "timeZone": "Europe/Amsterdam"},
    )
    assert ok.status_code == 200 and ok.json()["data"] is None
    me = await api.get("/users/me", company=None, params={"fields": "name,language,timeZone"})
    assert me.json()["data"] == {
        "publicId": world.a.admin.id,
        "name": "New Name",
        "language": "nl",
        "timeZone": "Europe/Amsterdam",
    }
    bad = await api.patch(
        "/users/me", company=None, json={"name": "", "language": "dutch", "emailAddress": "x@y.z"}
    )
    assert bad.status_code == 400
    assert error_props(bad) == {"name", "language", "emailAddress"}
    unchanged = await api.get("/users/me", company=None, params={"fields": "name"})
    assert unchanged.json()["data"]["name"] == "New Name"
