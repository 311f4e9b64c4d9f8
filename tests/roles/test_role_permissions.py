"""A role's permissions: adding, replacing and removing them, and the last administrator."""

from __future__ import annotations

from tests.groups.support import new_role
from tests.helpers import Api, World, error_props, errors


async def _permissions_of(api: Api, role_id: str) -> list[str]:
    response = await api.get(f"/roles/{role_id}", params={"fields": "permissions"})
    assert response.status_code == 200
    return [p["publicId"] for p in response.json()["data"]["permissions"]]


async def test_permissions_are_added_replaced_and_removed(api: Api) -> None:
    role = await new_role(api, "Shift lead", "VIEW_USERS")
    added = await api.post(
        f"/roles/{role}/permissions",
        json=[
            {"publicId": "MANAGE_GROUPS"},
            {"publicId": "VIEW_USERS"},
            {"publicId": "MANAGE_GROUPS"},
        ],
    )
    assert added.status_code == 201
    assert added.json() == {"type": "RolePermission", "data": None, "status": "success"}
    assert await _permissions_of(api, role) == ["MANAGE_GROUPS", "VIEW_USERS"]

    replaced = await api.put(
        f"/roles/{role}/permissions",
        json=[{"publicId": "VIEW_AUDIT_LOGS"}, {"publicId": "MANAGE_USERS"}],
    )
    assert replaced.status_code == 200 and replaced.json()["data"] is None
    assert await _permissions_of(api, role) == ["MANAGE_USERS", "VIEW_AUDIT_LOGS"]

    removed = await api.delete(f"/roles/{role}/permissions", json=[{"publicId": "MANAGE_USERS"}])
    assert removed.status_code == 200
    assert await _permissions_of(api, role) == ["VIEW_AUDIT_LOGS"]

    one = await api.delete(f"/roles/{role}/permissions/VIEW_AUDIT_LOGS")
    assert one.status_code == 200 and one.json()["data"] is None
    assert await _permissions_of(api, role) == []

    # One object is a list of one; an empty set empties the role.
    await api.put(f"/roles/{role}/permissions", json={"publicId": "VIEW_USERS"})
    assert await _permissions_of(api, role) == ["VIEW_USERS"]
    emptied = await api.put(f"/roles/{role}/permissions", json=[])
    assert emptied.status_code == 200
    assert await _permissions_of(api, role) == []


async def test_bad_permission_bodies_change_nothing(api: Api) -> None:
    role = await new_role(api, "Careful", "VIEW_USERS")
    for method in ("POST", "PUT", "DELETE"):
        response = await api.request(
            method,
            f"/roles/{role}/permissions",
            json=[{"publicId": "VIEW_USERS"}, {"publicId": "view_users"}],
        )
        assert response.status_code == 400, (method, response.text)
        assert errors(response) == [
            {
                "message": "'view_users' is not a permission; GET /permissions lists them",
                "propertyName": "publicId",
                "listIndex": 1,
            }
        ]
    for body in ([{"id": "VIEW_USERS"}], [{"publicId": ""}], [{"publicId": 7}], "VIEW_USERS"):
        response = await api.post(f"/roles/{role}/permissions", json=body)
        assert response.status_code == 400, (body, response.text)
    assert (await api.post(f"/roles/{role}/permissions", json=[])).status_code == 400
    assert await _permissions_of(api, role) == ["VIEW_USERS"]


async def test_removing_what_a_role_does_not_have_is_not_found(api: Api) -> None:
    role = await new_role(api, "Small", "VIEW_USERS")
    bulk = await api.delete(
        f"/roles/{role}/permissions",
        json=[{"publicId": "VIEW_USERS"}, {"publicId": "MANAGE_USERS"}],
    )
    assert bulk.status_code == 404
    assert [(e["propertyName"], e["listIndex"]) for e in errors(bulk)] == [("publicId", 1)]
    assert "does not have the permission MANAGE_USERS" in errors(bulk)[0]["message"]
    single = await api.delete(f"/roles/{role}/permissions/MANAGE_USERS")
    assert single.status_code == 404 and error_props(single) == {"publicId"}
    unknown = await api.delete(f"/roles/{role}/permissions/NOT_A_THING")
    assert unknown.status_code == 404 and errors(unknown)[0]["message"] == "Permission not found"
    no_role = await api.delete("/roles/nope00000000/permissions/VIEW_USERS")
    assert no_role.status_code == 404 and error_props(no_role) == {"parentId"}
    assert await _permissions_of(api, role) == ["VIEW_USERS"]


async def test_the_last_administrator_is_kept(api: Api, world: World) -> None:
    admin_role = world.a.roles["Administrator"]
    for response in (
        await api.put(f"/roles/{admin_role}/permissions", json=[{"publicId": "MANAGE_ROLES"}]),
        await api.delete(f"/roles/{admin_role}/permissions", json=[{"publicId": "COMPANY_ADMIN"}]),
        await api.delete(f"/roles/{admin_role}/permissions/COMPANY_ADMIN"),
    ):
        assert response.status_code == 409, response.text
        assert "without an administrator" in errors(response)[0]["message"]
    assert await _permissions_of(api, admin_role) == ["COMPANY_ADMIN"]
    # Adding to the role or keeping COMPANY_ADMIN in a replacement is fine.
    kept = await api.put(
        f"/roles/{admin_role}/permissions",
        json=[{"publicId": "COMPANY_ADMIN"}, {"publicId": "MANAGE_ROLES"}],
    )
    assert kept.status_code == 200
    # With a second administrator through another role, the first role may lose it.
    world.a.roles["Owner"] = await new_role(api, "Owner", "COMPANY_ADMIN")
    await world.member(world.a, "Owner")
    demoted = await api.delete(f"/roles/{admin_role}/permissions/COMPANY_ADMIN")
    assert demoted.status_code == 200
    assert await _permissions_of(api, admin_role) == ["MANAGE_ROLES"]


async def test_a_role_manager_may_give_up_managing_roles(api: Api, world: World) -> None:
    """Someone with MANAGE_ROLES may drop MANAGE_ROLES from their own role (an administrator
    remains), after which they can manage roles no more."""
    world.a.roles["Managers"] = await new_role(api, "Managers", "MANAGE_ROLES", "VIEW_USERS")
    manager = await world.member(world.a, "Managers")
    role = world.a.roles["Managers"]
    dropped = await api.delete(f"/roles/{role}/permissions/MANAGE_ROLES", token=manager.token)
    assert dropped.status_code == 200
    again = await api.post(
        f"/roles/{role}/permissions", token=manager.token, json=[{"publicId": "MANAGE_ROLES"}]
    )
    assert again.status_code == 403
