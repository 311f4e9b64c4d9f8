"""Bodies as IXON's cloud-function runtime sends them: JSON with no Content-Type (§13.1), and
what a body declared as something else, or a bad one, answers."""

from __future__ import annotations

import re
from typing import Annotated

import httpx
import pytest
from fastapi import APIRouter, Form
from sqlalchemy import select

from app.access_tokens.models import AccessToken
from app.config import Settings
from app.main import create_app
from tests.clients.raw import basic, body_of, errors, ixon, send
from tests.helpers import PASSWORD, World

# What the validation library says; none of it may reach a caller.
LIBRARY_WORDING = re.compile(
    r"Input should|Field required|String should|Value error|valid dictionary|Extra inputs|"
    r"List should|Unable to parse|type=|pydantic",
    re.IGNORECASE,
)


async def test_json_bodies_without_content_type_are_read_as_json(
    client: httpx.AsyncClient, world: World
) -> None:
    login = {k: v for k, v in ixon(world, company=False).items() if k != "Authorization"}
    created = await send(
        client,
        "POST",
        "/access-tokens",
        login | {"Authorization": basic(world.a.admin.email, PASSWORD)},
        b'{"expiresIn": 3600}',
    )
    assert "content-type" not in created.request.headers
    assert created.status_code == 201, created.text
    token = created.json()["data"]

    patched = await send(
        client, "PATCH", "/users/me", ixon(world, company=False), body_of({"name": "Renamed"})
    )
    assert "content-type" not in patched.request.headers
    assert patched.status_code == 200, patched.text
    me = await send(client, "GET", "/users/me?fields=name", ixon(world, company=False))
    assert me.json()["data"]["name"] == "Renamed"

    deleted = await send(
        client,
        "DELETE",
        "/access-tokens",
        ixon(world, company=False, token=token["secretId"]),
        body_of([{"publicId": token["publicId"]}]),
    )
    assert "content-type" not in deleted.request.headers
    assert deleted.status_code == 200, deleted.text
    async with world.sessionmaker() as session:
        left = await session.scalar(
            select(AccessToken.id).where(AccessToken.public_id == token["publicId"])
        )
    assert left is None


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
async def test_a_body_declared_as_another_type_is_a_415(
    client: httpx.AsyncClient, world: World, content_type: str
) -> None:
    response = await send(
        client,
        "PATCH",
        "/users/me",
        ixon(world, company=False) | {"Content-Type": content_type},
        body_of({"name": "Renamed"}),
    )
    assert response.status_code == 415
    assert errors(response) == [
        {
            "message": "the body must be JSON (Content-Type: application/json)",
            "propertyName": None,
            "listIndex": None,
        }
    ]


async def test_json_types_with_parameters_or_suffixes_are_json(
    client: httpx.AsyncClient, world: World
) -> None:
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = await send(
            client,
            "PATCH",
            "/users/me",
            ixon(world, company=False) | {"Content-Type": content_type},
            body_of({"language": "nl"}),
        )
        assert response.status_code == 200, (content_type, response.text)


async def test_a_body_that_is_not_json_is_a_clear_400(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await send(client, "PATCH", "/users/me", ixon(world, company=False), b"name=x")
    assert response.status_code == 400
    assert errors(response) == [
        {"message": "The request body is not valid JSON", "propertyName": None, "listIndex": None}
    ]


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    [
        ("POST", "/roles", [{"name": ""}], (0, "name", "name may not be empty")),
        ("POST", "/roles", [{"name": "x" * 256}], (0, "name", "at most 255 characters")),
        ("POST", "/roles", [{"name": 7}], (0, "name", "must be a text")),
        ("POST", "/roles", [{"nom": "x", "name": "y"}], (0, "nom", "not a property")),
        ("POST", "/roles", [{}], (0, "name", "name is required")),
        ("POST", "/roles", "roles", (None, None, "must be a JSON array of objects")),
        ("POST", "/roles", [], (None, None, "at least 1 item")),
        ("POST", "/roles", [{"name": "ok"}, 3], (1, None, "must be a JSON object")),
        ("PATCH", "/companies/me", {"country": "Belgium"}, (None, "country", "pattern")),
        ("PATCH", "/roles/nope", {"enforce2fa": "sometimes"}, (None, "enforce2fa", "true or")),
        ("PATCH", "/roles/nope", {"name": None}, (None, "name", "name may not be null")),
        ("POST", "/users/memberships", [{"group": 1}], (0, "group", "must be an object")),
        ("GET", "/roles?page-size=lots", None, (None, "page-size", "whole number")),
    ],
)
async def test_validation_messages_name_the_property_and_say_what_is_expected(
    client: httpx.AsyncClient,
    world: World,
    method: str,
    path: str,
    body: object,
    expected: tuple[int | None, str | None, str],
) -> None:
    response = await send(
        client, method, path, ixon(world), None if body is None else body_of(body)
    )
    assert response.status_code == 400, response.text
    found = errors(response)
    index, prop, words = expected
    assert any(
        e["listIndex"] == index and e["propertyName"] == prop and words in e["message"]
        for e in found
    ), found
    assert not LIBRARY_WORDING.search(response.text), response.text


async def test_token_lifetimes_out_of_range_say_the_bounds(
    client: httpx.AsyncClient, world: World
) -> None:
    login = {"Api-Version": "2", "Api-Application": world.application_id}
    login["Authorization"] = basic(world.a.admin.email, PASSWORD)
    for value, words in ((59, "at least 60"), (5_184_001, "at most 5184000"), ("soon", "whole")):
        response = await send(
            client, "POST", "/access-tokens", login, body_of({"expiresIn": value})
        )
        assert response.status_code == 400
        [error] = errors(response)
        assert error["propertyName"] == "expiresIn" and words in error["message"], error
        assert not LIBRARY_WORDING.search(response.text)


async def test_operations_that_read_a_form_are_not_told_to_send_json() -> None:
    """Only the JSON API asks for JSON: a form operation (the portal's kind) keeps its 400."""
    app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    forms = APIRouter()

    @forms.post("/form-page")
    async def form_page(name: Annotated[str, Form()]) -> dict[str, str]:
        return {"name": name}

    app.include_router(forms)
    transport = httpx.ASGITransport(app=app)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        ok = await client.post("/form-page", content=b"name=Ada", headers=form)
        missing = await client.post("/form-page", content=b"other=1", headers=form)
    assert ok.status_code == 200 and ok.json() == {"name": "Ada"}
    assert missing.status_code == 400
    assert errors(missing) == [
        {"message": "name is required", "propertyName": "name", "listIndex": None}
    ]
