"""`fields=`, `filters=`, `page-size` and dates: hostile values are a 400 in the envelope."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from tests.clients.raw import ixon
from tests.helpers import Api, World, errors


def _bad(response: httpx.Response, prop: str) -> str:
    assert response.status_code == 400, response.text
    item = errors(response)[0]
    assert item["propertyName"] == prop, item
    return str(item["message"])


@pytest.mark.parametrize(
    "fields",
    [
        ".".join(["a"] * 1000),
        "a(" * 500 + "b" + ")" * 500,
        "name," * 600,
        "publicId,name,permissions(a.b.c.d.e.f.g.h.i)",
    ],
)
async def test_fields_are_bounded(client: httpx.AsyncClient, world: World, fields: str) -> None:
    response = await client.get(f"/roles?fields={quote(fields)}", headers=ixon(world))
    _bad(response, "fields")


async def test_a_selection_eight_deep_is_read(api: Api) -> None:
    response = await api.get("/roles", params={"fields": "a.b.c.d.e.f.g.h"})
    assert response.status_code in (200, 400)
    if response.status_code == 400:  # unknown fields: not the depth limit
        assert "nested" not in errors(response)[0]["message"]


@pytest.mark.parametrize(
    "filters",
    [
        'eq(name,"' + "x" * 2100 + '")',
        ",".join(f'eq(name,"{i}")' for i in range(51)),
        "in(name," + ",".join("a" * 3 for _ in range(2000)) + ")",
        "eq(" * 400 + ")" * 400,
    ],
)
async def test_filters_are_bounded(client: httpx.AsyncClient, world: World, filters: str) -> None:
    response = await client.get(f"/roles?filters={quote(filters)}", headers=ixon(world))
    _bad(response, "filters")


@pytest.mark.parametrize("size", ["0", "-1", "x", "1e3"])
async def test_page_size(client: httpx.AsyncClient, world: World, size: str) -> None:
    _bad(await client.get(f"/roles?page-size={size}", headers=ixon(world)), "page-size")


@pytest.mark.parametrize(
    "moment", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00Z"]
)
async def test_dates_out_of_range_in_filters(
    client: httpx.AsyncClient, world: World, moment: str
) -> None:
    url = f"/users?filters={quote(f'gt(registeredOn,{moment!r})'.replace(chr(39), chr(34)))}"
    response = await client.get(url, headers=ixon(world))
    assert "between 1900-01-01 and 9998-12-31" in _bad(response, "filters")


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00Z"])
async def test_dates_out_of_range_in_bodies(api: Api, world: World, moment: str) -> None:
    response = await api.post(
        "/users/memberships",
        json=[
            {
                "user": {"publicId": world.a.admin.user.public_id},
                "group": {"publicId": world.a.group_id},
                "role": {"publicId": world.a.roles["Viewer"]},
                "expiresOn": moment,
            }
        ],
    )
    assert response.status_code == 400
    assert errors(response)[0]["propertyName"] == "expiresOn"
    assert "between 1900-01-01" in errors(response)[0]["message"]
