"""Roles: creating, editing and deleting them (the read side is in the smoke tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.groups.support import add_membership, new_role
from tests.helpers import Api, World, error_props, errors


async def _roles(api: Api, **kwargs: Any) -> dict[str, dict[str, Any]]:
    response = await api.get("/roles", params={"fields": "*", "page-size": "100"}, **kwargs)
    assert response.status_code == 200
    return {role["name"]: role for role in response.json()["data"]}


def _permissions(role: dict[str, Any]) -> list[str]:
    return [p["publicId"] for p in role["permissions"]]


async def test_an_administrator_creates_roles_in_bulk(api: Api) -> None:
    response = await api.post(
        "/roles",
        json=[
            {
                "name": "Operator",
                "description": "Runs the line",
                "enforce2fa": True,
                "permissions": [{"publicId": "VIEW_USERS"}, {"publicId": "MANAGE_GROUPS"}],
                "audiences": [{"publicId": "abcdefABCDEF"}],
                "custom": {"erp": "OP"},
            },
            {"name": "Auditor", "permissions": [{"publicId": "VIEW_AUDIT_LOGS"}]},
        ],
    )
    assert response.status_code == 201
    body = response.json()
    assert body["type"] == "Role"
    ids = [item["publicId"] for item in body["data"]]
    assert len(ids) == 2 and all(len(i) == 12 for i in ids)
    roles = await _roles(api)
    assert roles["Operator"] == {
        "publicId": ids[0],
        "name": "Operator",
        "description": "Runs the line",
        "enforce2fa": True,
        "enforceSso": False,
        "permissions": [{"publicId": "MANAGE_GROUPS"}, {"publicId": "VIEW_USERS"}],
        "audiences": [],
        "custom": {"erp": "OP"},
    }
    assert _permissions(roles["Auditor"]) == ["VIEW_AUDIT_LOGS"]


async def test_one_object_is_taken_as_a_list_of_one(api: Api) -> None:
    # The answer's shape (an array, or the object mirrored) is the envelope's business; the
    # raw client is used so this test holds either way.
    response = await api.client.post(
        "/roles",
        json={"name": "Single", "permissions": [{"publicId": "VIEW_USERS"}]},
        headers={
            "Api-Version": "2",
            "Api-Application": api.world.application_id,
            "Api-Company": api.world.a.id,
            "Authorization": f"Bearer {api.world.a.admin.token}",
        },
    )
    assert response.status_code == 201
    data = response.json()["data"]
    [created] = data if isinstance(data, list) else [data]
    assert (await _roles(api))["Single"]["publicId"] == created["publicId"]


async def test_the_api_prefix_serves_the_same_endpoints(api: Api) -> None:
    created = await api.post("/roles", prefix="/api", json=[{"name": "Prefixed"}])
    assert created.status_code == 201
    role_id = created.json()["data"][0]["publicId"]
    patched = await api.patch(f"/roles/{role_id}", prefix="/api", json={"name": "Renamed"})
    assert patched.status_code == 200 and patched.json()["data"] is None
    assert "Renamed" in await _roles(api)
    deleted = await api.delete(f"/roles/{role_id}", prefix="/api")
    assert deleted.status_code == 200
    assert "Renamed" not in await _roles(api)


async def test_a_bulk_create_with_one_bad_item_creates_nothing(api: Api) -> None:
    response = await api.post(
        "/roles",
        json=[
            {"name": "Good"},
            {"name": "Bad", "permissions": [{"publicId": "VIEW_USERS"}, {"publicId": "FLY"}]},
        ],
    )
    assert response.status_code == 400
    assert errors(response) == [
        {
            "message": "'FLY' is not a permission; GET /permissions lists them",
            "propertyName": "permissions",
            "listIndex": 1,
        }
    ]
    assert "Good" not in await _roles(api)


async def test_bad_role_bodies_are_400_naming_the_property(api: Api) -> None:
    cases: list[tuple[Any, str | None, int | None]] = [
        ([{"name": "ok"}, {"description": "no name"}], "name", 1),
        ([{"name": ""}], "name", 0),
        ([{"name": "   "}], "name", 0),
        ([{"name": "x" * 256}], "name", 0),
        ([{"name": "x", "description": "d" * 256}], "description", 0),
        ([{"name": "x", "enforce2fa": "sometimes"}], "enforce2fa", 0),
        ([{"name": "x", "permissions": "COMPANY_ADMIN"}], "permissions", 0),
        ([{"name": "x", "permissions": [{}]}], "permissions.publicId", 0),
        ([{"name": "x", "custom": [1]}], "custom", 0),
        ([{"name": "x", "colour": "red"}], "colour", 0),
        ([], None, None),
        ("just text", None, None),
    ]
    for body, prop, index in cases:
        response = await api.post("/roles", json=body)
        assert response.status_code == 400, (body, response.text)
        first = errors(response)[0]
        assert (first["propertyName"], first["listIndex"]) == (prop, index), (body, first)
    broken = await api.client.post(
        "/roles",
        content=b'[{"name": "x"',
        headers={
            "Api-Version": "2",
            "Api-Application": api.world.application_id,
            "Api-Company": api.world.a.id,
            "Authorization": f"Bearer {api.world.a.admin.token}",
            "Content-Type": "application/json",
        },
    )
    assert broken.status_code == 400
    assert errors(broken)[0]["message"] == "The request body is not valid JSON"


async def test_role_names_are_unique_in_a_company(api: Api, world: World) -> None:
    taken = await api.post("/roles", json=[{"name": "  viewer "}])
    assert taken.status_code == 409 and error_props(taken) == {"name"}
    twice = await api.post("/roles", json=[{"name": "Twin"}, {"name": "TWIN"}])
    assert twice.status_code == 409
    assert [(e["propertyName"], e["listIndex"]) for e in errors(twice)] == [("name", 1)]
    # Another company's names do not matter.
    other = await api.post(
        "/roles", token=world.b.admin.token, company=world.b.id, json=[{"name": "Twin"}]
    )
    assert other.status_code == 201


async def test_roles_are_edited_in_bulk_and_one_by_one(api: Api, world: World) -> None:
    one = await new_role(api, "One")
    two = await new_role(api, "Two")
    bulk = await api.patch(
        "/roles",
        json=[
            {"publicId": one, "name": "Uno", "description": None, "enforceSso": True},
            {"publicId": two, "description": "second", "custom": {"k": 1}},
        ],
    )
    assert bulk.status_code == 200 and bulk.json() == {
        "type": "Role",
        "data": None,
        "status": "success",
    }
    roles = await _roles(api)
    assert roles["Uno"]["enforceSso"] is True and roles["Uno"]["description"] is None
    assert roles["Two"]["description"] == "second" and roles["Two"]["custom"] == {"k": 1}
    single = await api.patch(f"/roles/{two}", json={"enforce2fa": True})
    assert single.status_code == 200
    assert (await _roles(api))["Two"]["enforce2fa"] is True
    # Two roles may swap names in one request: names are checked on the outcome.
    swap = await api.patch(
        "/roles", json=[{"publicId": one, "name": "Two"}, {"publicId": two, "name": "Uno"}]
    )
    assert swap.status_code == 200
    roles = await _roles(api)
    assert roles["Two"]["publicId"] == one and roles["Uno"]["publicId"] == two


async def test_a_bad_edit_changes_nothing(api: Api, world: World) -> None:
    role = await new_role(api, "Stable")
    viewer = world.a.roles["Viewer"]
    cases: list[tuple[Any, int, str | None, int | None]] = [
        ([{"publicId": role, "name": "Fine"}, {"publicId": viewer, "name": None}], 400, "name", 1),
        ([{"publicId": role, "name": "Fine"}, {"publicId": viewer, "name": "editor"}], 409,
         "name", 1),
        ([{"publicId": role, "name": "Fine"}, {"publicId": "nope00000000"}], 404, "publicId", 1),
        ([{"publicId": role, "name": "Fine"}, {"publicId": world.b.roles["Viewer"]}], 404,
         "publicId", 1),
        ([{"publicId": role, "name": "Fine"}, {"publicId": role, "name": "Again"}], 400,
         "publicId", 1),
        ([{"publicId": role, "name": "Fine"}, {"publicId": viewer, "enforce2fa": None}], 400,
         "enforce2fa", 1),
        ([{"publicId": role, "name": "Fine"}, {"name": "no id"}], 400, "publicId", 1),
        ([{"publicId": role, "permissions": []}], 400, "permissions", 0),
    ]  # fmt: skip
    for body, status, prop, index in cases:
        response = await api.patch("/roles", json=body)
        assert response.status_code == status, (body, response.text)
        assert [(e["propertyName"], e["listIndex"]) for e in errors(response)] == [(prop, index)]
    roles = await _roles(api)
    assert "Fine" not in roles and roles["Stable"]["publicId"] == role
    unknown = await api.patch("/roles/nope00000000", json={"name": "X"})
    assert unknown.status_code == 404 and error_props(unknown) == {"publicId"}


async def test_roles_are_deleted_in_bulk_and_one_by_one(api: Api) -> None:
    first, second, third = [await new_role(api, name) for name in ("R1", "R2", "R3")]
    bulk = await api.delete("/roles", json=[{"publicId": first}, {"publicId": second}])
    assert bulk.status_code == 200 and bulk.json()["data"] is None
    single = await api.delete(f"/roles/{third}")
    assert single.status_code == 200
    assert not {"R1", "R2", "R3"} & set(await _roles(api))
    again = await api.delete(f"/roles/{third}")
    assert again.status_code == 404


async def test_a_role_in_use_is_not_deleted(api: Api, world: World) -> None:
    await world.member(world.a, "Viewer")
    spare = await new_role(api, "Spare")
    response = await api.delete(
        "/roles", json=[{"publicId": spare}, {"publicId": world.a.roles["Viewer"]}]
    )
    assert response.status_code == 409
    [error] = errors(response)
    assert error["listIndex"] == 1 and error["propertyName"] == "publicId"
    assert '"Viewer"' in error["message"] and "1 membership" in error["message"]
    assert {"Spare", "Viewer"} <= set(await _roles(api))
    # An expired membership still references its role.
    person = await world.person()
    past = datetime.now(UTC) - timedelta(days=1)
    await add_membership(world, world.a, person.user, world.a.group_id, spare, expires_on=past)
    single = await api.delete(f"/roles/{spare}")
    assert single.status_code == 409 and "Spare" in errors(single)[0]["message"]


async def test_another_companys_roles_are_not_found_and_unchanged(api: Api, world: World) -> None:
    theirs = world.b.roles["User"]
    for response in (
        await api.patch(f"/roles/{theirs}", json={"name": "Mine now"}),
        await api.delete(f"/roles/{theirs}"),
        await api.delete("/roles", json=[{"publicId": theirs}]),
        await api.post(f"/roles/{theirs}/permissions", json=[{"publicId": "VIEW_USERS"}]),
        await api.put(f"/roles/{theirs}/permissions", json=[]),
        await api.delete(f"/roles/{theirs}/permissions", json=[{"publicId": "VIEW_USERS"}]),
        await api.delete(f"/roles/{theirs}/permissions/VIEW_USERS"),
    ):
        assert response.status_code == 404, response.text
        assert errors(response)[0]["message"] == "Role not found"
    b_roles = await _roles(api, token=world.b.admin.token, company=world.b.id)
    assert b_roles["User"]["publicId"] == theirs and b_roles["User"]["permissions"] == []


async def test_viewers_and_editors_cannot_manage_roles(api: Api, world: World) -> None:
    viewer = await world.member(world.a, "Viewer")
    editor = await world.member(world.a, "Editor")
    role = world.a.roles["User"]
    for person in (viewer, editor):
        for method, path, body in (
            ("POST", "/roles", [{"name": "Sneaky"}]),
            ("PATCH", "/roles", [{"publicId": role, "name": "Sneaky"}]),
            ("DELETE", "/roles", [{"publicId": role}]),
            ("PATCH", f"/roles/{role}", {"name": "Sneaky"}),
            ("DELETE", f"/roles/{role}", None),
            ("POST", f"/roles/{role}/permissions", [{"publicId": "VIEW_USERS"}]),
            ("PUT", f"/roles/{role}/permissions", [{"publicId": "VIEW_USERS"}]),
            ("DELETE", f"/roles/{role}/permissions", [{"publicId": "VIEW_USERS"}]),
            ("DELETE", f"/roles/{role}/permissions/VIEW_USERS", None),
        ):
            response = await api.request(method, path, token=person.token, json=body)
            assert response.status_code == 403, (method, path, response.text)
            assert "MANAGE_ROLES" in errors(response)[0]["message"]
        # Reading stays open to every member.
        assert (await api.get(f"/roles/{role}", token=person.token)).status_code == 200
    assert "Sneaky" not in await _roles(api)


async def test_nobody_grants_what_they_do_not_hold(api: Api, world: World) -> None:
    world.a.roles["Role manager"] = await new_role(api, "Role manager", "MANAGE_ROLES")
    manager = await world.member(world.a, "Role manager")
    ok = await api.post(
        "/roles", token=manager.token, json=[{"name": "Helper", "permissions": [
            {"publicId": "MANAGE_ROLES"}]}]
    )  # fmt: skip
    assert ok.status_code == 201
    helper = ok.json()["data"][0]["publicId"]
    refused = await api.post(
        "/roles",
        token=manager.token,
        json=[{"name": "Boss", "permissions": [{"publicId": "COMPANY_ADMIN"}]}],
    )
    assert refused.status_code == 403
    assert errors(refused) == [
        {
            "message": "You cannot grant COMPANY_ADMIN: you do not hold it yourself",
            "propertyName": "permissions",
            "listIndex": 0,
        }
    ]
    more = await api.post(
        f"/roles/{helper}/permissions",
        token=manager.token,
        json=[{"publicId": "MANAGE_ROLES"}, {"publicId": "MANAGE_USERS"}],
    )
    assert more.status_code == 403 and errors(more)[0]["listIndex"] == 1
    # Nor changes a role that grants more than they hold.
    for response in (
        await api.patch(f"/roles/{world.a.roles['Administrator']}", token=manager.token,
                        json={"name": "Demoted"}),
        await api.delete(f"/roles/{world.a.roles['Viewer']}/permissions/VIEW_USERS",
                         token=manager.token),
        await api.put(f"/roles/{world.a.roles['Administrator']}/permissions",
                      token=manager.token, json=[{"publicId": "MANAGE_ROLES"}]),
        await api.delete(f"/roles/{world.a.roles['Editor']}", token=manager.token),
    ):  # fmt: skip
        assert response.status_code == 403, response.text
        assert "which you do not hold" in errors(response)[0]["message"]
    roles = await _roles(api)
    assert "Boss" not in roles and _permissions(roles["Helper"]) == ["MANAGE_ROLES"]
    assert _permissions(roles["Administrator"]) == ["COMPANY_ADMIN"]
    assert _permissions(roles["Viewer"]) == ["VIEW_USERS"]
    # An administrator holds every permission by implication, so grants anything.
    admin = await api.post(
        "/roles",
        json=[{"name": "Everything", "permissions": [{"publicId": p} for p in (
            "MANAGE_USERS", "MANAGE_SERVICE_ACCOUNTS", "VIEW_AUDIT_LOGS", "COMPANY_ADMIN")]}],
    )  # fmt: skip
    assert admin.status_code == 201
