"""Groups: creating, editing (re-parenting) and deleting them."""

from __future__ import annotations

from typing import Any

from tests.groups.support import (
    add_membership,
    memberships_in,
    move_memberships,
    new_group,
    new_group_type,
)
from tests.helpers import Api, World, error_props, errors

FIELDS = {"fields": "publicId,name,type,parent,custom,isCompanyGroup", "page-size": "100"}


async def _groups(api: Api, **kwargs: Any) -> dict[str, dict[str, Any]]:
    response = await api.get("/groups", params=FIELDS, **kwargs)
    assert response.status_code == 200
    return {g["name"]: g for g in response.json()["data"]}


def _parent(group: dict[str, Any]) -> str | None:
    return group["parent"]["publicId"] if group["parent"] else None


async def test_groups_are_created_under_the_company_group_by_default(
    api: Api, world: World
) -> None:
    site = await new_group_type(api, "Site")
    line = await new_group_type(api, "Line")
    created = await api.post(
        "/groups",
        json=[
            {"name": "Plant", "type": {"publicId": site}, "custom": {"erp": 1}},
            {"name": "Hall", "type": {"publicId": site}, "parent": None},
        ],
    )
    assert created.status_code == 201 and created.json()["type"] == "Group"
    plant, hall = (item["publicId"] for item in created.json()["data"])
    nested = await new_group(api, "Line 1", line, parent=plant)
    groups = await _groups(api)
    assert groups["Plant"] == {
        "publicId": plant,
        "name": "Plant",
        "type": {"publicId": site},
        "parent": {"publicId": world.a.group_id},
        "custom": {"erp": 1},
        "isCompanyGroup": False,
    }
    assert _parent(groups["Hall"]) == world.a.group_id and groups["Hall"]["publicId"] == hall
    assert _parent(groups["Line 1"]) == plant and groups["Line 1"]["publicId"] == nested
    assert _parent(groups["Company A"]) is None and groups["Company A"]["isCompanyGroup"]
    full = await api.get(f"/groups/{nested}", params={"fields": "parent.*,type.name"})
    assert full.json()["data"] == {
        "publicId": nested,
        "type": {"publicId": full.json()["data"]["type"]["publicId"], "name": "Line"},
        "parent": {"publicId": plant, "name": "Plant", "type": {"publicId": site}},
    }


async def test_the_list_filters_still_work(api: Api, world: World) -> None:
    site = await new_group_type(api, "Site")
    line = await new_group_type(api, "Line")
    plant = await new_group(api, "Plant", site)
    await new_group(api, "Line 1", line, parent=plant)
    await new_group(api, "Line 2", line, parent=plant)

    async def names(*filters: str) -> list[str]:
        params = {"fields": "name", "filters": ",".join(filters)}
        response = await api.get("/groups", params=params)
        assert response.status_code == 200, response.text
        return sorted(g["name"] for g in response.json()["data"])

    assert await names(f'eq(type.publicId,"{line}")') == ["Line 1", "Line 2"]
    assert await names('eq(type.name,"Site")') == ["Plant"]
    assert await names(f'eq(parent.publicId,"{plant}")') == ["Line 1", "Line 2"]
    assert await names(f'eq(parent,"{world.a.group_id}")') == ["Plant"]
    assert await names('eq(isCompanyGroup,"true")') == ["Company A"]
    assert await names('contains(name,"line")', 'ne(name,"Line 2")') == ["Line 1"]
    assert await names("isnull(parent)") == ["Company A"]
    types = await api.get("/group-types", params={"fields": "name", "filters": "gt(order,-1)"})
    assert sorted(t["name"] for t in types.json()["data"]) == ["Line", "Site"]


async def test_a_bulk_create_with_one_bad_item_creates_nothing(api: Api, world: World) -> None:
    site = await new_group_type(api, "Site")
    b = {"token": world.b.admin.token, "company": world.b.id}
    their_type = await new_group_type(api, "Theirs", **b)
    their_group = await new_group(api, "Their plant", their_type, **b)
    cases: list[tuple[Any, int, str, int]] = [
        ([{"name": "Fine", "type": {"publicId": site}},
          {"name": "Bad", "type": {"publicId": their_type}}], 404, "type", 1),
        ([{"name": "Fine", "type": {"publicId": site}},
          {"name": "Bad", "type": {"publicId": site}, "parent": {"publicId": their_group}}],
         404, "parent", 1),
        ([{"name": "Fine", "type": {"publicId": site}},
          {"name": "Bad", "type": {"publicId": site}, "parent": {"publicId": "nope00000000"}}],
         404, "parent", 1),
        ([{"name": "Fine", "type": {"publicId": site}}, {"name": "Bad"}], 400, "type", 1),
        ([{"name": "Fine", "type": {"publicId": site}}, {"name": "Bad", "type": site}],
         400, "type", 1),
        ([{"name": "Fine", "type": {"publicId": site}}, {"name": "Bad", "type": {}}],
         400, "type.publicId", 1),
        ([{"name": "Fine", "type": {"publicId": site}}, {"name": "", "type": {"publicId": site}}],
         400, "name", 1),
        ([{"name": "Fine", "type": {"publicId": site}},
          {"name": "Bad", "type": {"publicId": site}, "isCompanyGroup": True}],
         400, "isCompanyGroup", 1),
    ]  # fmt: skip
    for body, status, prop, index in cases:
        response = await api.post("/groups", json=body)
        assert response.status_code == status, (body, response.text)
        assert [(e["propertyName"], e["listIndex"]) for e in errors(response)] == [(prop, index)]
    # Another company's type and an unknown one read the same.
    theirs = await api.post("/groups", json=[{"name": "X", "type": {"publicId": their_type}}])
    unknown = await api.post("/groups", json=[{"name": "X", "type": {"publicId": "nope00000000"}}])
    assert errors(theirs) == errors(unknown)
    assert set(await _groups(api)) == {"Company A"}


async def test_groups_are_edited_and_moved(api: Api, world: World) -> None:
    site = await new_group_type(api, "Site")
    line = await new_group_type(api, "Line")
    plant = await new_group(api, "Plant", site)
    hall = await new_group(api, "Hall", site)
    bulk = await api.patch(
        "/groups",
        json=[
            {"publicId": plant, "name": "Plant 1", "custom": {"k": "v"}},
            {"publicId": hall, "type": {"publicId": line}, "parent": {"publicId": plant}},
        ],
    )
    assert bulk.status_code == 200 and bulk.json()["data"] is None
    groups = await _groups(api)
    assert groups["Plant 1"]["custom"] == {"k": "v"}
    assert groups["Hall"]["type"] == {"publicId": line} and _parent(groups["Hall"]) == plant
    back = await api.patch(f"/groups/{hall}", json={"parent": None})
    assert back.status_code == 200
    assert _parent((await _groups(api))["Hall"]) == world.a.group_id
    # The company group may be renamed and typed, but stays the root.
    company = await api.patch(
        f"/groups/{world.a.group_id}", json={"name": "HQ", "type": {"publicId": site},
                                             "parent": None}
    )  # fmt: skip
    assert company.status_code == 200
    groups = await _groups(api)
    assert groups["HQ"]["isCompanyGroup"] and _parent(groups["HQ"]) is None


async def test_bad_edits_change_nothing(api: Api, world: World) -> None:
    site = await new_group_type(api, "Site")
    plant = await new_group(api, "Plant", site)
    line = await new_group(api, "Line", site, parent=plant)
    cell = await new_group(api, "Cell", site, parent=line)
    hall = await new_group(api, "Hall", site)
    b = {"token": world.b.admin.token, "company": world.b.id}
    their_type = await new_group_type(api, "Theirs", **b)
    their_group = await new_group(api, "Their plant", their_type, **b)
    ok = {"publicId": cell, "name": "Renamed"}
    cases: list[tuple[Any, int, str, int, str]] = [
        ([ok, {"publicId": plant, "parent": {"publicId": plant}}], 400, "parent", 1,
         "A group cannot be its own parent"),
        ([ok, {"publicId": plant, "parent": {"publicId": cell}}], 400, "parent", 1,
         "This parent would put the group inside itself (a cycle)"),
        ([ok, {"publicId": world.a.group_id, "parent": {"publicId": plant}}], 400, "parent", 1,
         "The company group is the root of the company's groups: it has no parent"),
        ([ok, {"publicId": line, "parent": {"publicId": their_group}}], 404, "parent", 1,
         "Parent group not found"),
        ([ok, {"publicId": line, "type": {"publicId": their_type}}], 404, "type", 1,
         "Group type not found"),
        ([ok, {"publicId": line, "type": None}], 400, "type", 1, "type may not be null"),
        ([ok, {"publicId": line, "name": None}], 400, "name", 1, "name may not be null"),
        ([ok, {"publicId": their_group, "name": "Mine"}], 404, "publicId", 1, "Group not found"),
        ([ok, {"publicId": cell, "name": "Twice"}], 400, "publicId", 1,
         "This group is listed more than once in the request"),
    ]  # fmt: skip
    for body, status, prop, index, message in cases:
        response = await api.patch("/groups", json=body)
        assert response.status_code == status, (body, response.text)
        assert errors(response) == [
            {"message": message, "propertyName": prop, "listIndex": index}
        ], body
    # Each move alone is fine; together they make a loop, and both are reported.
    loop = await api.patch(
        "/groups",
        json=[{"publicId": plant, "parent": {"publicId": hall}},
              {"publicId": hall, "parent": {"publicId": plant}}],
    )  # fmt: skip
    assert loop.status_code == 400
    assert [(e["propertyName"], e["listIndex"]) for e in errors(loop)] == [
        ("parent", 0),
        ("parent", 1),
    ]
    # Moving a whole branch elsewhere is fine (and checked on the outcome).
    branch = await api.patch(
        "/groups",
        json=[{"publicId": line, "parent": {"publicId": hall}},
              {"publicId": plant, "parent": {"publicId": cell}}],
    )  # fmt: skip
    assert branch.status_code == 200
    groups = await _groups(api)
    assert "Renamed" not in groups
    assert _parent(groups["Line"]) == hall and _parent(groups["Plant"]) == cell
    own = await api.patch(f"/groups/{hall}", json={"parent": {"publicId": hall}})
    assert own.status_code == 400 and errors(own)[0]["listIndex"] is None
    company = await api.patch(f"/groups/{world.a.group_id}", json={"parent": {"publicId": plant}})
    assert company.status_code == 400 and error_props(company) == {"parent"}
    assert _parent((await _groups(api, **b))["Their plant"]) is not None


async def test_groups_are_deleted_children_first_or_together(api: Api, world: World) -> None:
    site = await new_group_type(api, "Site")
    plant = await new_group(api, "Plant", site)
    line = await new_group(api, "Line", site, parent=plant)
    cell = await new_group(api, "Cell", site, parent=line)
    spare = await new_group(api, "Spare", site)
    refused = await api.delete("/groups", json=[{"publicId": spare}, {"publicId": plant}])
    assert refused.status_code == 409
    [error] = errors(refused)
    assert (error["propertyName"], error["listIndex"]) == ("publicId", 1)
    assert error["message"].startswith('Group "Plant" still has 1 child group ("Line")')
    single = await api.delete(f"/groups/{line}")
    assert single.status_code == 409 and errors(single)[0]["listIndex"] is None
    assert {"Plant", "Line", "Cell", "Spare"} <= set(await _groups(api))
    # Parents before their children in the same request: fine.
    together = await api.delete(
        "/groups", json=[{"publicId": plant}, {"publicId": line}, {"publicId": cell}]
    )
    assert together.status_code == 200 and together.json()["data"] is None
    assert (await api.delete(f"/groups/{spare}")).status_code == 200
    assert set(await _groups(api)) == {"Company A"}


async def test_the_company_group_is_never_deleted(api: Api, world: World) -> None:
    for response in (
        await api.delete(f"/groups/{world.a.group_id}"),
        await api.delete("/groups", json=[{"publicId": world.a.group_id}]),
    ):
        assert response.status_code == 409
        assert errors(response)[0]["message"] == "The company group cannot be deleted"
    assert "Company A" in await _groups(api)


async def test_deleting_a_group_deletes_its_memberships(api: Api, world: World) -> None:
    site = await new_group_type(api, "Site")
    plant = await new_group(api, "Plant", site)
    person = await world.person()
    await add_membership(world, world.a, person.user, plant, world.a.roles["Viewer"])
    assert await memberships_in(world, plant) == 1
    assert (await api.delete(f"/groups/{plant}")).status_code == 200
    assert await memberships_in(world, plant) == 0
    # The role is free again.
    assert (await api.delete(f"/roles/{world.a.roles['Viewer']}")).status_code == 200


async def test_deleting_the_last_administrators_group_is_refused(api: Api, world: World) -> None:
    site = await new_group_type(api, "Site")
    plant = await new_group(api, "Plant", site)
    editor = await world.member(world.a, "Editor")
    await move_memberships(world, world.a.admin.user, plant)
    response = await api.delete(f"/groups/{plant}", token=editor.token)
    assert response.status_code == 409
    assert "without an administrator" in errors(response)[0]["message"]
    assert "Plant" in await _groups(api, token=editor.token)
    assert await memberships_in(world, plant) == 1


async def test_another_companys_groups_are_not_found_and_unchanged(api: Api, world: World) -> None:
    b = {"token": world.b.admin.token, "company": world.b.id}
    their_type = await new_group_type(api, "Theirs", **b)
    their_group = await new_group(api, "Their plant", their_type, **b)
    for response in (
        await api.get(f"/groups/{their_group}"),
        await api.patch(f"/groups/{their_group}", json={"name": "Mine"}),
        await api.delete(f"/groups/{their_group}"),
        await api.delete("/groups", json=[{"publicId": their_group}]),
        await api.delete(f"/groups/{world.b.group_id}"),
    ):
        assert response.status_code == 404, response.text
        assert errors(response)[0]["message"] == "Group not found"
    assert set(await _groups(api, **b)) == {"Company B", "Their plant"}


async def test_viewers_cannot_manage_groups_and_editors_can(api: Api, world: World) -> None:
    site = await new_group_type(api, "Site")
    plant = await new_group(api, "Plant", site)
    viewer = await world.member(world.a, "Viewer")
    for method, path, body in (
        ("POST", "/groups", [{"name": "Sneaky", "type": {"publicId": site}}]),
        ("PATCH", "/groups", [{"publicId": plant, "name": "Sneaky"}]),
        ("DELETE", "/groups", [{"publicId": plant}]),
        ("PATCH", f"/groups/{plant}", {"name": "Sneaky"}),
        ("DELETE", f"/groups/{plant}", None),
    ):
        response = await api.request(method, path, token=viewer.token, json=body)
        assert response.status_code == 403, (method, path, response.text)
        assert "MANAGE_GROUPS" in errors(response)[0]["message"]
    assert set(await _groups(api, token=viewer.token)) == {"Company A", "Plant"}
    editor = await world.member(world.a, "Editor")
    line = await new_group(api, "Line", site, parent=plant, token=editor.token)
    moved = await api.patch(f"/groups/{line}", token=editor.token, json={"parent": None})
    assert moved.status_code == 200
    assert (await api.delete(f"/groups/{line}", token=editor.token)).status_code == 200


async def test_the_api_prefix_works_for_groups(api: Api) -> None:
    site = await new_group_type(api, "Site", prefix="/api")
    plant = await new_group(api, "Plant", site, prefix="/api")
    response = await api.get(f"/groups/{plant}", prefix="/api", params={"fields": "name"})
    assert response.json()["data"] == {"publicId": plant, "name": "Plant"}
