"""Answers written as IXON writes them (§13.9): `", "` and `": "` separators, and each
resource's properties in IXON's schema order, publicId first."""

from __future__ import annotations

import json
from typing import Any

import httpx

from app.core.envelope import render
from tests.clients.raw import ixon, send
from tests.helpers import World
from tests.ixon_schema import SPEC


def test_render_uses_ixons_separators_and_keeps_text_as_utf8() -> None:
    assert render({"a": [1, 2], "b": "Zoë"}) == '{"a": [1, 2], "b": "Zoë"}'.encode()


async def test_answers_use_ixons_separators(client: httpx.AsyncClient, world: World) -> None:
    for method, url in (("GET", "/roles?fields=name"), ("GET", "/nothing"), ("GET", "/users")):
        response = await send(client, method, url, ixon(world))
        text = response.text
        assert text == json.dumps(response.json(), ensure_ascii=False), text
        assert '","' not in text and '":"' not in text


async def test_properties_come_in_schema_order_whatever_fields_says(
    client: httpx.AsyncClient, world: World
) -> None:
    roles = await send(client, "GET", "/roles?fields=custom,description,name", ixon(world))
    assert {tuple(r) for r in roles.json()["data"]} == {
        ("publicId", "name", "description", "custom")
    }
    me = await send(
        client, "GET", "/companies/me?fields=createdOn,custom,country,name", ixon(world)
    )
    assert list(me.json()["data"]) == ["publicId", "name", "custom", "createdOn"]


def _resolve(node: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = components[node["$ref"].rsplit("/", 1)[-1]]
    for key in ("anyOf", "allOf"):
        for option in node.get(key, []):
            if option.get("type") != "null":
                return _resolve(option, components)
    return node


def _data(operation: dict[str, Any], components: dict[str, Any]) -> dict[str, Any] | None:
    for status in ("200", "201"):
        answer = operation.get("responses", {}).get(status)
        if answer is None:
            continue
        schema = _resolve(answer["content"]["application/json"]["schema"], components)
        data = schema.get("properties", {}).get("data")
        if data is None:
            return None
        data = _resolve(data, components)
        return _resolve(data["items"], components) if data.get("type") == "array" else data
    return None


def _order_differences(
    ours: dict[str, Any], theirs: dict[str, Any], components: dict[str, Any], where: str
) -> list[str]:
    mine, ixon_names = list(ours.get("properties", {})), list(theirs.get("properties", {}))
    shared = [p for p in mine if p in ixon_names]
    problems = []
    if shared != [p for p in ixon_names if p in mine]:
        problems.append(f"{where}: ours {shared}")
    if mine[: len(shared)] != shared:
        problems.append(f"{where}: our own properties must follow IXON's, not {mine}")
    for name in shared:
        nested_ours = _resolve(ours["properties"][name], components)
        nested_theirs = theirs["properties"][name]
        if nested_theirs.get("type") == "array":
            nested_theirs = nested_theirs.get("items", {})
            nested_ours = _resolve(nested_ours.get("items", {}), components)
        if nested_ours.get("properties") and nested_theirs.get("properties"):
            problems += _order_differences(
                nested_ours, nested_theirs, components, f"{where}.{name}"
            )
    return problems


def test_every_resource_lists_its_properties_in_ixons_order(app: Any) -> None:
    """Our response models against IXON's published schemas, nested objects included."""
    document = app.openapi()
    components = document["components"]["schemas"]
    problems, compared = [], 0
    for path, operations in SPEC["paths"].items():
        for method, operation in operations.items():
            ours = document["paths"].get(path, {}).get(method)
            theirs = _data(operation, {}) if ours else None
            mine = _data(ours, components) if ours else None
            if not theirs or not mine or not theirs.get("properties"):
                continue
            compared += 1
            problems += _order_differences(mine, theirs, components, f"{method} {path}")
    assert compared > 20 and not problems, problems
