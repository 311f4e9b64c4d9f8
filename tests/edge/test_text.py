"""NUL characters and lone surrogates are refused at the edge (400 in the envelope) wherever a
request carries text; free-form objects are bounded."""

from __future__ import annotations

import httpx
import pytest

from tests.clients.raw import ixon
from tests.helpers import Api, World, errors


def _refused(response: httpx.Response, words: str) -> dict[str, object]:
    assert response.status_code == 400, response.text
    (item,) = errors(response)
    assert words in str(item["message"]), item
    return item


@pytest.mark.parametrize(
    "url",
    [
        "/roles/abc%00def",
        "/roles?fields=name%00",
        "/roles?filters=eq(name,%22a%00%22)",
        "/roles?page-after=%00",
        "/users?fields=%ED%A0%80",  # a lone surrogate written as (invalid) UTF-8
        "/api/groups/%ED%B0%80",
    ],
)
async def test_path_and_query(client: httpx.AsyncClient, world: World, url: str) -> None:
    response = await client.get(url, headers=ixon(world))
    assert response.status_code == 400, response.text
    assert errors(response)[0]["message"].startswith("The ")


async def test_a_query_parameter_is_named(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get("/roles?page-size=10&fields=a%00", headers=ixon(world))
    item = _refused(response, "NUL")
    assert item["propertyName"] == "fields"


async def test_a_header_value(client: httpx.AsyncClient, world: World) -> None:
    # httpx refuses to send a NUL in a header: build the request at the ASGI level.
    headers = [(k.lower().encode(), v.encode()) for k, v in ixon(world).items()]
    headers.append((b"api-branding", b"portal\x00.ixon.cloud"))
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/roles",
        "raw_path": b"/roles",
        "query_string": b"",
        "headers": headers,
        "client": ("203.0.113.7", 1),
        "server": ("testserver", 80),
    }
    app = client._transport.app  # type: ignore[attr-defined]
    await app(scope, receive, send)
    assert sent[0]["status"] == 400
    assert b"NUL" in b"".join(m.get("body", b"") for m in sent)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("body", "prop", "index"),
    [
        (b'{"name": "a\\u0000b"}', "name", None),
        (b'{"name": "a\\ud800b"}', "name", None),
        (b'{"name": "a\\udc00"}', "name", None),
        (b'{"custom": {"k": ["x", "\\u0000"]}}', "custom.k", None),
        (b'{"custom": {"\\ud83d": 1}}', "custom.(a property name)", None),
    ],
)
async def test_a_json_body(
    client: httpx.AsyncClient, world: World, body: bytes, prop: str, index: int | None
) -> None:
    response = await client.patch("/companies/me", headers=ixon(world), content=body)
    item = _refused(response, "may not contain")
    assert (item["propertyName"], item["listIndex"]) == (prop, index)


async def test_a_bulk_item_is_named_by_index(client: httpx.AsyncClient, world: World) -> None:
    body = b'[{"name": "fine"}, {"name": "\\u0000"}]'
    item = _refused(await client.post("/roles", headers=ixon(world), content=body), "NUL")
    assert (item["propertyName"], item["listIndex"]) == ("name", 1)


async def test_a_surrogate_pair_and_an_escaped_backslash_are_text(api: Api) -> None:
    response = await api.patch("/companies/me", json={"name": "Emoji \U0001f600 \\u0000"})
    assert response.status_code == 200, response.text
    shown = await api.get("/companies/me", params={"fields": "name"})
    assert shown.json()["data"]["name"] == "Emoji \U0001f600 \\u0000"


async def test_custom_is_bounded(api: Api) -> None:
    big = await api.patch("/companies/me", json={"custom": {"k": "x" * 20000}})
    assert big.status_code == 400
    assert errors(big)[0]["propertyName"] == "custom"
    deep: dict[str, object] = {}
    for _ in range(9):
        deep = {"k": deep}
    assert (await api.patch("/users/me", json={"custom": deep})).status_code == 400
    fine = await api.patch("/users/me", json={"custom": {"k": "x" * 1000}})
    assert fine.status_code == 200
