"""Group types: creating, editing and deleting them."""

from __future__ import annotations

from typing import Any

from tests.groups.support import new_group, new_group_type
from tests.helpers import Api, World, error_props, errors


async def _types(api: Api, **kwargs: Any) -> dict[str, dict[str, Any]]:
    response = await api.get("/group-types", params={"fields": "*"}, **kwargs)
    assert response.status_code == 200
    return {t["name"]: t for t in response.json()["data"]}


async def test_group_types_are_created_edited_and_deleted(api: Api) -> None:
    created = await api.post(
        "/group-types",
        json=[
            {"name": "Site", "description": "A plant", "order": 1, "color": "#00ff00",
             "custom": {"icon": "factory"}},
            {"name": "Line", "order": -2, "color": "ABCDEF"},
        ],
    )  # fmt: skip
    assert created.status_code == 201 and created.json()["type"] == "GroupType"
    site, line = (item["publicId"] for item in created.json()["data"])
    types = await _types(api)
    assert types["Site"] == {
        "publicId": site,
        "name": "Site",
        "description": "A plant",
        "order": 1,
        "color": "#00ff00",
        "custom": {"icon": "factory"},
    }
    assert types["Line"]["description"] is None and types["Line"]["custom"] == {}

    bulk = await api.patch(
        "/group-types",
        json=[{"publicId": site, "color": None, "description": None},
              {"publicId": line, "name": "Production line", "order": 5}],
    )  # fmt: skip
    assert bulk.status_code == 200 and bulk.json()["data"] is None
    single = await api.patch(f"/group-types/{site}", json={"custom": {"icon": "plant"}})
    assert single.status_code == 200
    types = await _types(api)
    assert types["Site"]["color"] is None and types["Site"]["custom"] == {"icon": "plant"}
    assert types["Production line"]["order"] == 5

    assert (await api.delete("/group-types", json=[{"publicId": line}])).status_code == 200
    assert (await api.delete(f"/group-types/{site}")).status_code == 200
    assert await _types(api) == {}
    assert (await api.delete(f"/group-types/{site}")).status_code == 404


async def test_bad_group_type_bodies_create_nothing(api: Api) -> None:
    cases: list[tuple[Any, str | None, int | None]] = [
        ([{"name": "Fine"}, {"name": "Bad", "color": "green"}], "color", 1),
        ([{"name": "Fine"}, {"name": "Bad", "color": "#12345"}], "color", 1),
        ([{"name": "Fine"}, {"name": "Bad", "order": 2**31}], "order", 1),
        ([{"name": "Fine"}, {"name": "Bad", "order": "first"}], "order", 1),
        ([{"name": "Fine"}, {"order": 1}], "name", 1),
        ([{"name": "Fine"}, {"name": "x" * 256}], "name", 1),
        ([{"name": "Fine"}, {"name": "Bad", "custom": "x"}], "custom", 1),
        ([{"name": "Fine"}, {"name": "Bad", "publicId": "abcdefabcdef"}], "publicId", 1),
    ]
    for body, prop, index in cases:
        response = await api.post("/group-types", json=body)
        assert response.status_code == 400, (body, response.text)
        assert [(e["propertyName"], e["listIndex"]) for e in errors(response)] == [(prop, index)]
    assert await _types(api) == {}


async def test_group_type_names_are_unique_in_a_company(api: Api) -> None:
    site = await new_group_type(api, "Site")
    taken = await api.post("/group-types", json=[{"name": "Other"}, {"name": "SITE"}])
    assert taken.status_code == 409
    assert [(e["propertyName"], e["listIndex"]) for e in errors(taken)] == [("name", 1)]
    other = await new_group_type(api, "Other")
    renamed = await api.patch(f"/group-types/{other}", json={"name": "site "})
    assert renamed.status_code == 409 and error_props(renamed) == {"name"}
    # A type keeps its own name in another case.
    assert (await api.patch(f"/group-types/{site}", json={"name": "SITE"})).status_code == 200
    assert set(await _types(api)) == {"SITE", "Other"}


async def test_bad_edits_change_nothing(api: Api, world: World) -> None:
    site = await new_group_type(api, "Site")
    cases: list[tuple[Any, int, str | None, int | None]] = [
        ([{"publicId": site, "name": "Fine"}, {"publicId": site, "order": None}], 400, "order", 1),
        ([{"publicId": site, "name": "Fine"}, {"publicId": site, "name": None}], 400, "name", 1),
        ([{"publicId": site, "name": "Fine"}, {"publicId": "nope00000000"}], 404, "publicId", 1),
        ([{"publicId": site, "name": "Fine"}, {"publicId": site, "order": 3}], 400, "publicId", 1),
        ([{"publicId": site, "color": "#GGGGGG"}], 400, "color", 0),
    ]  # fmt: skip
    for body, status, prop, index in cases:
        response = await api.patch("/group-types", json=body)
        assert response.status_code == status, (body, response.text)
        assert [(e["propertyName"], e["listIndex"]) for e in errors(response)] == [(prop, index)]
    assert set(await _types(api)) == {"Site"}


async def test_a_type_in_use_is_not_deleted(api: Api) -> None:
    site = await new_group_type(api, "Site")
    spare = await new_group_type(api, "Spare")
    await new_group(api, "Plant 1", site)
    await new_group(api, "Plant 2", site)
    response = await api.delete("/group-types", json=[{"publicId": spare}, {"publicId": site}])
    assert response.status_code == 409
    [error] = errors(response)
    assert (error["propertyName"], error["listIndex"]) == ("publicId", 1)
    assert error["message"].startswith('Group type "Site" is used by 2 groups')
    assert set(await _types(api)) == {"Site", "Spare"}


async def test_group_types_of_another_company_are_not_found(api: Api, world: World) -> None:
    b = {"token": world.b.admin.token, "company": world.b.id}
    theirs = await new_group_type(api, "Theirs", **b)
    for response in (
        await api.get(f"/group-types/{theirs}"),
        await api.patch(f"/group-types/{theirs}", json={"name": "Mine"}),
        await api.patch("/group-types", json=[{"publicId": theirs, "name": "Mine"}]),
        await api.delete(f"/group-types/{theirs}"),
        await api.delete("/group-types", json=[{"publicId": theirs}]),
    ):
        assert response.status_code == 404, response.text
        assert errors(response)[0]["message"] == "Group type not found"
    assert set(await _types(api, **b)) == {"Theirs"}


async def test_viewers_cannot_manage_group_types_and_editors_can(api: Api, world: World) -> None:
    site = await new_group_type(api, "Site")
    viewer = await world.member(world.a, "Viewer")
    for method, path, body in (
        ("POST", "/group-types", [{"name": "Sneaky"}]),
        ("PATCH", "/group-types", [{"publicId": site, "name": "Sneaky"}]),
        ("DELETE", "/group-types", [{"publicId": site}]),
        ("PATCH", f"/group-types/{site}", {"name": "Sneaky"}),
        ("DELETE", f"/group-types/{site}", None),
    ):
        response = await api.request(method, path, token=viewer.token, json=body)
        assert response.status_code == 403, (method, path, response.text)
        assert "MANAGE_GROUPS" in errors(response)[0]["message"]
    assert set(await _types(api, token=viewer.token)) == {"Site"}
    editor = await world.member(world.a, "Editor")
    assert (await new_group_type(api, "Line", token=editor.token)) is not None
    renamed = await api.patch(f"/group-types/{site}", token=editor.token, json={"name": "Plant"})
    assert renamed.status_code == 200
