"""Every error is IXON's JSON envelope with `status` (§13.8): clients read `status` from the
body, not the HTTP status, on 404, 405, 413, 415, 429 and 5xx alike."""

from __future__ import annotations

import httpx
import pytest
from fastapi import APIRouter, HTTPException

from app.auth.ratelimit import Secret
from app.config import Settings
from app.main import create_app
from app.users.models import normalize_email
from tests.clients.raw import basic, body_of, errors, ixon, send
from tests.helpers import PASSWORD, World

CLIENT_ADDRESS = "203.0.113.7"  # the test client's address (tests/conftest.py)


async def test_an_unknown_path_is_a_404_envelope(client: httpx.AsyncClient, world: World) -> None:
    for url in ("/no-such-thing", "/api/roles/x/nothing", "/api/portal/nothing"):
        response = await send(client, "GET", url, ixon(world))
        assert response.status_code == 404, url
        assert response.headers["content-type"] == "application/json"
        assert errors(response)[0]["message"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("OPTIONS", "/roles", "DELETE, GET, PATCH, POST"),
        ("PUT", "/roles", "DELETE, GET, PATCH, POST"),
        ("POST", "/roles/abcdefghijkl", "DELETE, GET, PATCH"),
        ("PUT", "/api/roles/abcdefghijkl", "DELETE, GET, PATCH"),
        ("PATCH", "/access-tokens/me", "DELETE, GET"),
        # `/users/memberships` and `/users/{publicId}` both match this path.
        ("PATCH", "/users/memberships/user/abcdefghijkl", "PUT"),
    ],
)
async def test_a_wrong_method_is_a_405_whose_allow_lists_every_method(
    client: httpx.AsyncClient, world: World, method: str, path: str, allowed: str
) -> None:
    response = await send(client, method, path, ixon(world))
    assert response.status_code == 405
    assert response.headers["allow"] == allowed
    assert allowed in errors(response)[0]["message"]


async def test_a_body_of_another_type_is_a_415_envelope(
    client: httpx.AsyncClient, world: World
) -> None:
    headers = ixon(world) | {"Content-Type": "text/plain"}
    response = await send(client, "POST", "/roles", headers, body_of([{"name": "Plain"}]))
    assert response.status_code == 415
    assert errors(response)[0]["message"] == (
        "the body must be JSON (Content-Type: application/json)"
    )


async def test_too_many_log_ins_is_a_429_envelope(
    client: httpx.AsyncClient, world: World, app: object
) -> None:
    limiter = app.state.login_limiter  # type: ignore[attr-defined]
    account = normalize_email(world.b.admin.email)
    for _ in range(limiter.policy.pair.amount):  # IXON_LOGIN_LIMIT_PER_ACCOUNT_CLIENT
        await limiter.attempt(Secret.PASSWORD, account, CLIENT_ADDRESS)  # failed: not given back
    headers = {
        "Api-Version": "2",
        "Api-Application": world.application_id,
        "Authorization": basic(world.b.admin.email, PASSWORD),
    }
    response = await send(client, "POST", "/access-tokens", headers, b'{"expiresIn": 60}')
    assert response.status_code == 429 and int(response.headers["retry-after"]) > 0
    assert errors(response)[0]["message"].startswith("Too many failed log-ins")


async def test_errors_raised_by_the_framework_are_envelopes() -> None:
    """Whatever answers a 413 (the body-size limit) or another HTTP error uses the envelope."""
    app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    raising = APIRouter()

    @raising.post("/raising/{status}")
    async def refuse(status: int) -> None:
        raise HTTPException(status, "Nope")

    app.include_router(raising)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        for status in (413, 415, 502):
            response = await client.post(f"/raising/{status}", content=b"{}")
            assert response.status_code == status
            body = response.json()
            assert body["status"] == "error" and body["type"] == "Error", body
            assert body["data"][0]["message"]
