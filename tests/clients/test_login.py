"""Log-in as IXON's command line and third-party clients do it (§13.3, §13.7, §13.9)."""

from __future__ import annotations

import base64
import re

import httpx

from tests.clients.raw import basic, errors, send
from tests.helpers import PASSWORD, World

BODY = b'{"expiresIn": 3600}'


def _login_headers(world: World, authorization: str) -> dict[str, str]:
    return {
        "Api-Version": "2",
        "Api-Application": world.application_id,
        "Authorization": authorization,
    }


async def _bearer_works(client: httpx.AsyncClient, world: World, secret: str) -> bool:
    me = await send(
        client,
        "GET",
        "/users/me",
        {
            "Api-Version": "2",
            "Api-Application": world.application_id,
            "Authorization": f"Bearer {secret}",
        },
    )
    return me.status_code == 200


async def test_two_part_basic_is_email_and_password(
    client: httpx.AsyncClient, world: World
) -> None:
    headers = _login_headers(world, basic(world.a.admin.email, PASSWORD))
    response = await send(client, "POST", "/access-tokens?fields=secretId", headers, BODY)
    assert response.status_code == 201, response.text
    assert await _bearer_works(client, world, response.json()["data"]["secretId"])
    wrong = _login_headers(world, basic(world.a.admin.email, "not the password"))
    refused = await send(client, "POST", "/access-tokens", wrong, BODY)
    assert refused.status_code == 401 and errors(refused)[0]["message"]


async def test_three_or_more_parts_are_email_code_password(
    client: httpx.AsyncClient, world: World
) -> None:
    person = await world.person("Colons", password="pass:word:with:colons")
    for authorization in (
        basic(person.email, "", "pass:word:with:colons"),
        "Basic "
        + base64.urlsafe_b64encode(f"{person.email}::pass:word:with:colons".encode())
        .decode()
        .rstrip("="),
    ):
        response = await send(
            client, "POST", "/access-tokens", _login_headers(world, authorization), BODY
        )
        assert response.status_code == 201, response.text
    # Two parts are always e-mail and password: a password with a colon needs the code part.
    as_two = _login_headers(world, basic(person.email, "pass:word:with:colons"))
    assert (await send(client, "POST", "/access-tokens", as_two, BODY)).status_code == 401


async def test_the_default_token_answer_names_the_user(
    client: httpx.AsyncClient, world: World
) -> None:
    """IXON's command line logs in without `fields` and prints `data.user.name`."""
    headers = _login_headers(world, basic(world.a.admin.email, PASSWORD))
    response = await send(client, "POST", "/access-tokens", headers, BODY)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert list(data) == ["publicId", "expiresOn", "secretId", "user"]
    assert data["user"] == {
        "publicId": world.a.admin.id,
        "name": "Company A Admin",
        "emailAddress": world.a.admin.email,
    }
    assert len(data["secretId"]) == 32 and data["expiresOn"].endswith("Z")


async def test_the_secret_can_be_read_with_a_regular_expression(
    client: httpx.AsyncClient, world: World
) -> None:
    """A public client reads `"secretId": "..."` from the text, expecting IXON's spacing."""
    headers = _login_headers(world, basic(world.a.admin.email, PASSWORD))
    for url in ("/access-tokens?fields=secretId", "/access-tokens"):
        response = await send(client, "POST", url, headers, BODY)
        found = re.search(r'"secretId": "([0-9A-Za-z]{32})"', response.text)
        assert found is not None, response.text
        assert found.group(1) == response.json()["data"]["secretId"]
        assert await _bearer_works(client, world, found.group(1))
    # publicId before the rest, as IXON's schema orders it, whatever `fields` asked.
    asked = await send(client, "POST", "/access-tokens?fields=user(name),secretId", headers, BODY)
    text = asked.text
    assert text.index('"publicId"') < text.index('"secretId"') < text.index('"user"')
    assert re.search(r'"user": \{"publicId": "\w{12}", "name": "Company A Admin"\}', text), text
