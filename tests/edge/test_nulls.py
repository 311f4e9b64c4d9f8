"""null on a field that may be left out but not emptied is a 400, never a 500: every property
of every PATCH body, sent as null."""

from __future__ import annotations

from typing import Any

import pytest

from app.companies.schemas import MyCompanyPatch
from app.groups.schemas import GroupTypeUpdate, GroupUpdate
from app.roles.schemas import RoleUpdate
from app.users.schemas import MyUserPatch
from tests.helpers import Api


async def _targets(api: Api) -> list[tuple[str, type[Any]]]:
    role = (await api.post("/roles", json={"name": "Null role"})).json()["data"][0]["publicId"]
    types = await api.post("/group-types", json={"name": "Null type"})
    group_type = types.json()["data"][0]["publicId"]
    group = await api.post("/groups", json={"name": "Null group", "type": {"publicId": group_type}})
    group_id = group.json()["data"][0]["publicId"]
    return [
        ("/companies/me", MyCompanyPatch),
        ("/users/me", MyUserPatch),
        (f"/roles/{role}", RoleUpdate),
        (f"/group-types/{group_type}", GroupTypeUpdate),
        (f"/groups/{group_id}", GroupUpdate),
    ]


@pytest.mark.parametrize("index", range(5))
async def test_every_property_as_null(api: Api, index: int) -> None:
    path, model = (await _targets(api))[index]
    answers = {}
    for name in model.model_fields:
        response = await api.patch(path, json={name: None})
        answers[name] = response.status_code
    assert all(status in (200, 204, 400) for status in answers.values()), answers


async def test_a_company_name_may_not_be_null(api: Api) -> None:
    response = await api.patch("/companies/me", json={"name": None})
    assert response.status_code == 400
    assert response.json()["data"][0] == {
        "message": "name may not be null",
        "propertyName": "name",
        "listIndex": None,
    }


@pytest.mark.parametrize("collection", ["/roles", "/group-types", "/groups"])
async def test_bulk_patches_with_nulls(api: Api, collection: str) -> None:
    targets = {path.rsplit("/", 1)[0]: path for path, _ in await _targets(api)}
    public_id = targets[collection].rsplit("/", 1)[1]
    for name in ("name", "custom", "type", "order", "enforce2fa", "color", "icon"):
        response = await api.patch(collection, json=[{"publicId": public_id, name: None}])
        assert response.status_code in (200, 204, 400), (name, response.text)
