"""`/api/...` serves the API's operations, and only them (app/core/prefix.py)."""

from __future__ import annotations

from tests.helpers import Api


async def test_the_prefix_serves_the_api_and_its_scim_routes(api: Api) -> None:
    plain = await api.get("/roles")
    prefixed = await api.get("/roles", prefix="/api")
    assert prefixed.status_code == 200 and prefixed.json() == plain.json()
    discovery = await api.client.get("/api/", headers={"Api-Version": "2"})
    assert discovery.status_code == 200 and discovery.json()["type"] == "Discovery"


async def test_the_prefix_does_not_serve_the_portal_the_docs_or_the_probes(api: Api) -> None:
    for path in ("/healthz", "/openapi.json", "/docs", "/metrics", "/portal/sign-in"):
        direct = await api.client.get(path)
        assert direct.status_code != 404, path
        moved = await api.client.get(f"/api{path}")
        assert moved.status_code == 404, path
        assert moved.json()["status"] == "error"


async def test_an_unknown_path_under_the_prefix_is_a_404_in_the_envelope(api: Api) -> None:
    response = await api.client.get("/api/no/such/endpoint", headers={"Api-Version": "2"})
    assert response.status_code == 404
    assert response.json()["data"][0]["message"] == "There is no endpoint at /api/no/such/endpoint"
