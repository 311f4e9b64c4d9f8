"""The committed OpenAPI document is the app's, and describes what integrators need."""

from __future__ import annotations

import json
from typing import Any

from app.cli import OPENAPI_PATH
from app.openapi_document import render


def _document() -> dict[str, Any]:
    return json.loads(render())


def test_the_committed_document_is_current() -> None:
    committed = OPENAPI_PATH.read_text() if OPENAPI_PATH.exists() else ""
    assert committed == render(), "openapi/openapi.json is stale: run `make openapi` and commit it"


def test_operation_ids_are_unique_and_readable() -> None:
    ids = [
        operation["operationId"]
        for operations in _document()["paths"].values()
        for operation in operations.values()
    ]
    assert len(ids) == len(set(ids))
    assert "getRoleList" in ids and "postAccessTokenList" in ids
    assert all(i.isidentifier() and len(i) < 60 for i in ids)


def test_every_operation_documents_headers_errors_and_its_rel() -> None:
    document = _document()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            assert "Api-Version" in names, where
            assert "4XX" in operation["responses"] or path == "/", where
            assert len(operation["tags"]) == 1, where
    roles = document["paths"]["/roles"]["get"]
    assert {"Api-Application", "Api-Company"} <= {p["name"] for p in roles["parameters"]}
    assert {"bearerToken": []} in roles["security"]
    assert document["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
