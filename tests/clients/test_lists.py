"""Lists as IXON's clients walk them (§13.10, §13.11): repeated `filters`, filters on
`GET /roles` and `GET /groups/roles`, `page-size=4000` and a raw `&page-after=`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.groups.models import Group
from tests.clients.raw import errors, ixon, send
from tests.helpers import World


async def _names(client: httpx.AsyncClient, world: World, url: str) -> list[str]:
    response = await send(client, "GET", url, ixon(world))
    assert response.status_code == 200, (url, response.text)
    return sorted(item["name"] for item in response.json()["data"])


async def test_filters_on_roles_are_applied(client: httpx.AsyncClient, world: World) -> None:
    assert await _names(client, world, '/roles?filters=eq(name,"Viewer")') == ["Viewer"]
    # Repeated filters are ANDed, like comma-separated ones.
    repeated = '/roles?filters=contains(name,"e")&filters=ne(name,"Editor")'
    assert await _names(client, world, repeated) == ["User", "Viewer"]
    joined = '/roles?filters=contains(name,"e"),ne(name,"Editor")'
    assert await _names(client, world, joined) == ["User", "Viewer"]
    assert await _names(client, world, '/roles?filters=eq(enforce2fa,"false")&page-size=2') == [
        "Administrator",
        "Editor",
    ]
    # Company B's roles have the same names: they never show up here.
    assert await _names(client, world, '/roles?filters=in(name,"Viewer","User")') == [
        "User",
        "Viewer",
    ]


async def test_filters_on_group_roles_are_applied(client: httpx.AsyncClient, world: World) -> None:
    url = '/groups/roles?filters=eq(group.name,"Company A")'
    response = await send(client, "GET", url, ixon(world))
    assert [item["group"]["publicId"] for item in response.json()["data"]] == [world.a.group_id]
    none = await send(
        client, "GET", '/groups/roles?filters=eq(group.name,"Elsewhere")', ixon(world)
    )
    assert none.json()["data"] == [] and none.json()["moreAfter"] is None


@pytest.mark.parametrize("path", ["/roles", "/groups/roles"])
@pytest.mark.parametrize(
    "expression", ["eq(name", 'nope(name,"x")', 'eq(secret,"x")', "eq(name,'x')"]
)
async def test_an_unreadable_filter_is_a_400_there_too(
    client: httpx.AsyncClient, world: World, path: str, expression: str
) -> None:
    response = await send(client, "GET", f"{path}?filters={expression}", ixon(world))
    assert response.status_code == 400
    assert [e["propertyName"] for e in errors(response)] == ["filters"]


def test_the_openapi_document_declares_those_filters(app: Any) -> None:
    document = app.openapi()
    for path in ("/roles", "/groups/roles"):
        names = {p["name"] for p in document["paths"][path]["get"]["parameters"]}
        assert {"filters", "fields", "page-size", "page-after"} <= names, path


async def _add_groups(world: World, count: int) -> None:
    async with world.sessionmaker() as session:
        session.add_all(
            Group(company_id=world.a.internal_id, name=f"g{i:02d}", custom={}) for i in range(count)
        )
        await session.commit()


async def test_a_paging_loop_with_a_raw_page_after(client: httpx.AsyncClient, world: World) -> None:
    """A client's loop: `&page-after=` empty at first, then the `moreAfter` pasted in raw,
    until `moreAfter` is null or repeats."""
    await _add_groups(world, 7)
    seen: list[str] = []
    after, pages = "", 0
    while True:
        url = f"/groups?fields=name&page-size=3&page-after={after}"
        body = (await send(client, "GET", url, ixon(world))).json()
        assert body["status"] == "success", body
        seen += [group["name"] for group in body["data"]]
        pages += 1
        if body["moreAfter"] is None or body["moreAfter"] == after:
            break
        after = body["moreAfter"]
    assert pages == 3 and len(seen) == len(set(seen)) == 8
    everything = await send(
        client, "GET", "/groups?fields=name&page-size=4000&page-after=", ixon(world)
    )
    body = everything.json()
    assert sorted(g["name"] for g in body["data"]) == sorted(seen) and body["moreAfter"] is None
