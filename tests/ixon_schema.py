"""IXON's published schemas (tests/ixon-subset.openapi.json) as a validator for our answers."""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema.protocols
import jsonschema.validators

SPEC = json.loads((Path(__file__).parent / "ixon-subset.openapi.json").read_text())

# Documented deviations (docs/compatibility.md): IXON's schema gives the new company's id 12
# characters, but company ids have 24 everywhere else, `Api-Company` included.
_company_post = SPEC["paths"]["/companies"]["post"]["responses"]["201"]["content"]
_company_post["application/json"]["schema"]["properties"]["data"]["items"]["properties"][
    "publicId"
].update({"minLength": 24, "maxLength": 24})


def _to_json_schema(node: Any) -> Any:
    if isinstance(node, list):
        return [_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target: Any = SPEC
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return _to_json_schema(target)
    out = {key: _to_json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    out.pop("format", None)
    return out


def _template_regex(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")


_TEMPLATES = sorted(SPEC["paths"], key=lambda t: (t.count("{"), -len(t)))


def template_for(path: str) -> str | None:
    """The spec's path template for a concrete path (literal segments win over parameters)."""
    path = path.split("?")[0]
    if path.startswith("/api/") or path == "/api":
        path = path[4:] or "/"
    for template in _TEMPLATES:
        if _template_regex(template).match(path):
            return template
    return None


@cache
@cache
def validator(template: str, method: str, status: int) -> jsonschema.protocols.Validator | None:
    schema = response_schema(template, method, status)
    if schema is None:
        return None
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)  # type: ignore[no-any-return]


def response_schema(template: str, method: str, status: int) -> Any | None:
    operation = SPEC["paths"].get(template, {}).get(method.lower())
    if operation is None:
        return None
    responses = operation["responses"]
    response = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
    if response is None:
        return {"not": {}}  # IXON documents no such answer
    response = _to_json_schema(response)
    content = response.get("content", {}).get("application/json")
    return _to_json_schema(copy.deepcopy(content["schema"])) if content else {}


def validate(path: str, method: str, status: int, body: Any) -> None:
    """Raise if ``body`` is not what IXON documents for this operation and status."""
    template = template_for(path)
    if template is None or status >= 500:
        return
    checker = validator(template, method, status)
    if checker is None:
        return
    if checker.schema == {"not": {}}:
        raise AssertionError(f"IXON documents no {status} for {method} {template}: {body}")
    checker.validate(body)
