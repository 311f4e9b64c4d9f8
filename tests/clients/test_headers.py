"""Header errors in IXON's words, each problem once (§13.5); Api-Version first and alone."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.clients.raw import body_of, errors, ixon, send
from tests.helpers import World


def _item(message: str, header: str) -> dict[str, Any]:
    return {"message": message, "propertyName": header, "listIndex": None}


async def test_a_bare_request_is_told_about_api_version_alone(
    client: httpx.AsyncClient,
) -> None:
    response = await send(client, "GET", "/users", {})
    assert response.status_code == 400
    assert errors(response) == [_item("Required header", "Api-Version")]


async def test_each_missing_header_is_named_once(client: httpx.AsyncClient, world: World) -> None:
    response = await send(client, "GET", "/users", {"Api-Version": "2"})
    assert errors(response) == [
        _item("Required header", "Api-Application"),
        _item("Required header", "Api-Company"),
    ]
    no_company = {k: v for k, v in ixon(world).items() if k != "Api-Company"}
    for method in ("DELETE", "GET", "PATCH"):
        answer = await send(client, method, "/roles/x", no_company, b"{}")
        assert errors(answer) == [_item("Required header", "Api-Company")], method
    empty = await send(client, "GET", "/roles", ixon(world) | {"Api-Company": ""})
    assert errors(empty) == [_item("Required header", "Api-Company")]


@pytest.mark.parametrize(
    ("header", "value", "message"),
    [
        ("Api-Application", "short", "Value is too short"),
        ("Api-Application", "abcdefghijklm", "Value is too long"),
        ("Api-Application", "abcdefghijk!", "Invalid value"),
        ("Api-Application", "unknownAppId", "Invalid value"),
        ("Api-Company", "1234", "Value is too short"),
        ("Api-Company", "1234-5678-9012-3456-78901", "Value is too long"),
        ("Api-Company", "1234-5678-9012-3456-789x", "Invalid value"),
        ("Api-Version", "1", "Invalid value"),
        ("Api-Version", "two", "Invalid value"),
    ],
)
async def test_bad_header_values_are_named_with_ixons_texts(
    client: httpx.AsyncClient, world: World, header: str, value: str, message: str
) -> None:
    response = await send(client, "GET", "/roles", ixon(world) | {header: value})
    assert response.status_code == 400
    assert errors(response) == [_item(message, header)]


async def test_several_bad_headers_are_each_listed_once(
    client: httpx.AsyncClient, world: World
) -> None:
    headers = ixon(world) | {"Api-Application": "short", "Api-Company": "1234-5678-9012-3456-789x"}
    for method, path in (("GET", "/roles"), ("DELETE", "/roles/x"), ("POST", "/roles")):
        response = await send(client, method, path, headers, body_of([{"name": "x"}]))
        assert errors(response) == [
            _item("Value is too short", "Api-Application"),
            _item("Invalid value", "Api-Company"),
        ], (method, path)
    # A wrong Api-Version is answered first and alone, whatever else is wrong.
    worse = await send(client, "GET", "/roles", headers | {"Api-Version": "3"})
    assert errors(worse) == [_item("Invalid value", "Api-Version")]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "Required header"),
        ("a.b", "Value is too short"),
        ("a" * 250 + ".com", "Value is too long"),
        ("localhost", "Invalid value"),
    ],
)
async def test_api_branding_where_an_operation_needs_it(
    client: httpx.AsyncClient, world: World, value: str | None, message: str
) -> None:
    headers = ixon(world) | ({"Api-Branding": value} if value is not None else {})
    body = [{"emailAddress": "new@example.com", "groupRoles": []}]
    response = await send(client, "POST", "/invites", headers, body_of(body))
    assert response.status_code == 400
    assert errors(response) == [_item(message, "Api-Branding")]
