"""`/healthz` and `/readyz`: outside IXON's headers, the OpenAPI document and discovery."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from app.config import Settings
from app.main import create_app
from tests.helpers import Api


async def _get(app: FastAPI, path: str) -> httpx.Response:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.get(path)


async def test_healthz_answers_without_any_ixon_header(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert len(response.headers["X-Request-Id"]) >= 8


async def test_readyz_on_a_migrated_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "rateLimitStorage": "ok"},
    }
    assert response.headers["Cache-Control"] == "no-store"


async def test_readyz_is_503_before_the_migrations(scratch_url: str) -> None:
    app = create_app(Settings(database_url=scratch_url, outbox_worker=False))
    response = await _get(app, "/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert "ixon-api migrate" in body["checks"]["database"]


async def test_readyz_is_503_when_the_database_or_redis_does_not_answer() -> None:
    app = create_app(
        Settings(
            database_url="postgresql+asyncpg://postgres@127.0.0.1:9/nowhere",
            rate_limit_storage="redis://127.0.0.1:9",
            outbox_worker=False,
            health_timeout=3,
        )
    )
    response = await _get(app, "/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] != "ok" and checks["rateLimitStorage"] != "ok"
    assert "postgres@" not in str(checks)  # no connection string in a public answer
    assert (await _get(app, "/healthz")).status_code == 200


async def test_probes_are_not_ixon_endpoints(app: FastAPI, api: Api) -> None:
    paths = app.openapi()["paths"]
    assert not {"/healthz", "/readyz", "/metrics"} & set(paths)
    listed = {item["href"].rpartition("/")[2] for item in (await api.get("/")).json()["data"]}
    assert not {"healthz", "readyz", "metrics"} & listed
