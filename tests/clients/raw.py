"""Requests built by hand, as IXON's own clients send them (REFERENCE.md §13): the headers
and bytes of each request are written out in the test, with no helper adding any."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx

from tests.helpers import World


def basic(*parts: str) -> str:
    """``Authorization: Basic`` of the parts joined by ``:`` (two: email:password)."""
    return "Basic " + base64.b64encode(":".join(parts).encode()).decode()


def ixon(world: World, *, company: bool = True, token: str | None = "admin") -> dict[str, str]:
    """The headers IXON's cloud-function runtime sends: no Content-Type."""
    sent = {"Api-Version": "2", "Api-Application": world.application_id}
    if company:
        sent["Api-Company"] = world.a.id
    if token is not None:
        sent["Authorization"] = f"Bearer {world.a.admin.token if token == 'admin' else token}"
    return sent


async def send(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes | None = None,
) -> httpx.Response:
    """``url`` goes as written (query string included); ``body`` as bytes, no type added."""
    return await client.request(method, url, headers=headers, content=body)


def body_of(value: Any) -> bytes:
    return json.dumps(value).encode()


def errors(response: httpx.Response) -> list[dict[str, Any]]:
    body = response.json()
    assert body["status"] == "error" and body["type"] == "Error", body
    return list(body["data"])
