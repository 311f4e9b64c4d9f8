"""OpenAPI links in the published document: each bulk create (`POST /roles`) links to the
operations on the item it made (`GET`, `PATCH`, `DELETE /roles/{publicId}`), with the new
publicId taken from the answer. Clients read them to chain calls; Schemathesis' stateful phase
follows them (create → read → change → delete)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

ITEM = "/{publicId}"


def _new_id(document: dict[str, Any], answer: dict[str, Any]) -> str | None:
    """Where the created item's publicId is in a 201 answer: ``data[0]`` of a bulk create,
    ``data`` of a single one."""
    schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
    name = schema.get("$ref", "").rsplit("/", 1)[-1]
    schemas = document.get("components", {}).get("schemas", {})
    data = schemas.get(name, {}).get("properties", {}).get("data", {})
    where, item = ("0/", data.get("items", {})) if data.get("type") == "array" else ("", data)
    shown = schemas.get(item.get("$ref", "").rsplit("/", 1)[-1], {}).get("properties", {})
    return f"$response.body#/data/{where}publicId" if "publicId" in shown else None


def add_links(document: dict[str, Any]) -> None:
    paths = document.get("paths", {})
    for path, operations in paths.items():
        create = operations.get("post")
        items = paths.get(path + ITEM)
        created = (create or {}).get("responses", {}).get("201")
        if created is None or items is None or (new_id := _new_id(document, created)) is None:
            continue
        created["links"] = {
            operation["operationId"]: {
                "operationId": operation["operationId"],
                "parameters": {"path.publicId": new_id},
                "description": f"{method.upper()} {path}{ITEM} of the first item created",
            }
            for method, operation in items.items()
            if method in ("get", "patch", "delete") and "operationId" in operation
        }


def install(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        first = app.openapi_schema is None
        document = build()
        if first:
            add_links(document)
        return document

    app.openapi = openapi  # type: ignore[method-assign]
