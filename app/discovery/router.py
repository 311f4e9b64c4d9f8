"""`GET /`: IXON's discovery list of ``{rel, href, methods}`` for every endpoint."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.core import envelope
from app.core.envelope import ListEnvelope

router = APIRouter()
METHOD_ORDER = ("DELETE", "GET", "PATCH", "POST", "PUT")


class DiscoveryOut(BaseModel):
    rel: str
    href: str
    methods: list[str]


def endpoints(app: FastAPI) -> dict[str, tuple[str, set[str]]]:
    """rel → (path, methods), read from the OpenAPI document (the `/api` copies are not in it)."""
    found: dict[str, tuple[str, set[str]]] = {}
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            rel = (operation.get("tags") or [None])[0]
            if rel is None or rel == "Discovery":
                continue
            found.setdefault(rel, (path, set()))[1].add(method.upper())
    return found


@router.get("/", tags=["Discovery"], response_model=ListEnvelope[DiscoveryOut])
async def discovery(request: Request) -> JSONResponse:
    base = str(request.base_url).rstrip("/")  # with `/api` when asked there (root_path)
    items = [
        {
            "rel": rel,
            "href": f"{base}{path}",
            "methods": [m for m in METHOD_ORDER if m in methods],
        }
        for rel, (path, methods) in sorted(endpoints(request.app).items())
    ]
    return envelope.listing("Discovery", items, None)
