"""The `Idempotency-Key` header in the OpenAPI document, on every write (the middleware, not
a route, handles it, so FastAPI does not see it)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from app.idempotency.middleware import KEY_MAX

PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": KEY_MAX},
    "description": "Our extension: a repeat with the same key and request answers the stored "
    "answer without running again (24 h, per token user and Api-Company); the same key with "
    "another request is a 422, one while the first still runs a 409 (docs/compatibility.md).",
}
WRITES = ("post", "put", "patch", "delete")


def document(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        fresh = app.openapi_schema is None
        schema = build()
        if fresh:
            for operations in schema["paths"].values():
                for method, operation in operations.items():
                    if method in WRITES:
                        operation.setdefault("parameters", []).append(dict(PARAMETER))
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
