"""Bodies are bounded before they are parsed: 413 in the envelope, the rest never read."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import httpx

from tests.clients.raw import ixon
from tests.helpers import Api, World, errors

MIB = 1024 * 1024


def _roles(count: int, name: str = "x") -> bytes:
    return json.dumps([{"name": f"{name}{i}"} for i in range(count)]).encode()


async def test_a_2_mb_body_is_a_413_at_once(client: httpx.AsyncClient, world: World) -> None:
    body = json.dumps({"name": "a" * (2 * MIB)}).encode()
    response = await client.patch("/companies/me", headers=ixon(world), content=body)
    assert response.status_code == 413
    assert "at most 1048576 bytes" in errors(response)[0]["message"]
    assert len(response.content) < 1000


async def test_a_10_mb_bulk_body_is_a_413(client: httpx.AsyncClient, world: World) -> None:
    body = b"[" + b'{"name": "' + b"r" * (10 * MIB) + b'"}]'
    response = await client.post("/roles", headers=ixon(world), content=body)
    assert response.status_code == 413
    assert "at most 4194304 bytes" in errors(response)[0]["message"]
    assert len(response.content) < 1000


async def test_a_streamed_body_is_cut_at_the_limit(client: httpx.AsyncClient, world: World) -> None:
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b'{"name": "'
        for _ in range(100):  # 100 chunks of 64 KiB: 6.4 MB, no Content-Length
            sent += 1
            yield b"a" * 65536
        yield b'"}'

    response = await client.patch("/companies/me", headers=ixon(world), content=chunks())
    assert response.status_code == 413
    assert errors(response)[0]["message"].startswith("The request body is too large")
    assert sent < 20, "the body was read past the limit"


async def test_a_bulk_body_may_be_larger_than_a_single_one(api: Api) -> None:
    # 1.5 MB of roles: over IXON_MAX_BODY_BYTES, under IXON_MAX_BULK_BODY_BYTES.
    roles = [{"name": f"role {i} " + "d" * 360} for i in range(4000)]
    assert len(json.dumps(roles)) > 1.4 * MIB
    response = await api.post("/roles", json=roles)
    assert response.status_code == 400  # names too long, but read and validated
    assert response.json()["data"][-1]["message"] == "… and 3900 more errors"


async def test_the_api_prefix_has_the_same_limits(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post("/api/roles", headers=ixon(world), content=_roles(30000))
    assert response.status_code == 400  # 30,000 items: read (bulk limit), refused by count
    assert errors(response) == [
        {
            "message": "The request body must have at most 4000 items",
            "propertyName": None,
            "listIndex": None,
        }
    ]


async def test_4001_items_are_counted_before_validation(api: Api) -> None:
    started = time.monotonic()
    response = await api.post("/roles", json=[{"bad": i} for i in range(4001)])
    assert response.status_code == 400
    assert len(errors(response)) == 1
    assert time.monotonic() - started < 5  # validating 4,001 items took longer


async def test_error_answers_are_bounded(api: Api) -> None:
    response = await api.post("/roles", json=[{"name": ""} for _ in range(4000)])
    assert response.status_code == 400
    items = errors(response)
    assert len(items) == 101
    assert [i["listIndex"] for i in items[:3]] == [0, 1, 2]
    assert items[-1] == {
        "message": "… and 3900 more errors",
        "propertyName": None,
        "listIndex": None,
    }
    assert len(response.content) < 20_000
