"""Every answer says `X-Content-Type-Options: nosniff`; the answers that carry a secret say
`Cache-Control: no-store`, and a new route that returns a secret cannot forget it."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from tests.helpers import PASSWORD, Api, World, basic

SECRET_FIELDS = {"secretId", "token", "secret", "password"}
# The operations whose 2xx answer documents a secret, each tested below.
SECRET_ANSWERS = {
    ("post", "/access-tokens"),
    ("post", "/users/service-account"),
    ("post", "/users/me/otp-auth/enable"),
    ("post", "/webhook-endpoints"),
}


async def test_every_kind_of_answer_says_nosniff(api: Api, client: httpx.AsyncClient) -> None:
    answers = [
        await api.get("/roles"),  # 200
        await api.get("/api/roles/abcdefghijkl"),  # 404 in the envelope
        await api.get("/users/me", token=None, company=None),  # 401
        await client.get("/no/such/route"),
        await client.delete("/healthz"),  # 405
        await client.get("/healthz"),
        await client.get("/metrics"),
        await client.get("/portal/"),
        await client.get("/openapi.json"),
    ]
    for answer in answers:
        assert answer.headers.get("x-content-type-options") == "nosniff", answer.request.url


async def test_token_answers_are_not_stored(api: Api, world: World) -> None:
    logged_in = await api.post(
        "/access-tokens",
        token=None,
        company=None,
        json={"expiresIn": 600},
        headers={"Authorization": basic(world.a.admin.email, PASSWORD)},
    )
    further = await api.post("/access-tokens", company=None, json={"expiresIn": 600})
    robot = await api.post("/users/service-account", json=[{"name": "Robot"}])
    totp = await api.post("/users/me/otp-auth/enable", company=None)
    hook = await api.post(
        "/webhook-endpoints",
        json={"url": "https://hooks.example.com/ixon", "events": ["invite.created"]},
    )
    for answer in (logged_in, further, robot, totp, hook):
        assert answer.status_code == 201, answer.text
        assert answer.headers["cache-control"] == "no-store"
    # Answers without a secret are left to the usual rules.
    assert "cache-control" not in (await api.get("/users/me", company=None)).headers


def _properties(
    schema: Any, schemas: dict[str, Any], seen: frozenset[str] = frozenset()
) -> set[str]:
    if isinstance(schema, list):
        return set().union(*(_properties(s, schemas, seen) for s in schema)) if schema else set()
    if not isinstance(schema, dict):
        return set()
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return set() if name in seen else _properties(schemas[name], schemas, seen | {name})
    found = set(schema.get("properties", {}))
    for key in ("properties", "items", "anyOf", "oneOf", "allOf", "additionalProperties"):
        value = schema.get(key)
        parts = value.values() if key == "properties" and isinstance(value, dict) else [value]
        found |= set().union(*(_properties(p, schemas, seen) for p in parts))
    return found


def test_every_answer_documented_with_a_secret_is_one_of_those_tested(app: FastAPI) -> None:
    document = app.openapi()
    schemas = document["components"]["schemas"]
    with_secret = {
        (method, path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for status, answer in operation.get("responses", {}).items()
        if status.startswith("2")
        for content in answer.get("content", {}).values()
        if _properties(content.get("schema"), schemas) & SECRET_FIELDS
    }
    assert with_secret == SECRET_ANSWERS, "a new answer with a secret: mark it no_store()"
