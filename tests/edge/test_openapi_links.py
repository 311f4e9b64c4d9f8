"""The published document links each create to the operations on what it created, so a client
(or Schemathesis' stateful phase) chains create → read → change → delete."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

DOCUMENT = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def _document() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DOCUMENT.read_text())
    return loaded


def test_creates_link_to_read_change_and_delete() -> None:
    links = _document()["paths"]["/roles"]["post"]["responses"]["201"]["links"]
    assert set(links) == {"getRole", "patchRole", "deleteRole"}
    assert links["getRole"]["parameters"] == {"path.publicId": "$response.body#/data/0/publicId"}


def test_every_link_names_an_operation_on_the_created_item() -> None:
    document = _document()
    operations = {
        operation["operationId"]: path
        for path, methods in document["paths"].items()
        for operation in methods.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    linked = 0
    for path, methods in document["paths"].items():
        for link in (
            methods.get("post", {}).get("responses", {}).get("201", {}).get("links", {}).values()
        ):
            assert operations[link["operationId"]] == path + "/{publicId}"
            linked += 1
    assert linked >= 20


async def test_allow_names_the_methods_of_the_literal_path(client: httpx.AsyncClient) -> None:
    # `/invites/resend` also matches `/invites/{publicId}`, whose GET and DELETE are not its.
    response = await client.request("OPTIONS", "/invites/resend", headers={"Api-Version": "2"})
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
