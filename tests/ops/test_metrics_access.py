"""`/metrics` can be kept to operators: a bearer token, a list of allowed client networks, or
both; refusals come in IXON's error envelope."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi import FastAPI

from app.config import Settings
from tests.helpers import errors

TOKEN = "a-long-random-scrape-token"


@pytest.fixture
def configure(app: FastAPI) -> Iterator[Callable[..., None]]:
    """Changes the app's settings for one test (the app is shared by the tests)."""
    kept = app.state.settings

    def change(**changes: object) -> None:
        app.state.settings = kept.model_copy(update=changes)

    yield change
    app.state.settings = kept


def from_address(app: FastAPI, ip: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(ip, 5000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_without_settings_anyone_may_scrape(client: httpx.AsyncClient) -> None:
    assert (await client.get("/metrics")).status_code == 200


async def test_a_token_is_asked_for_when_set(
    client: httpx.AsyncClient, configure: Callable[..., None]
) -> None:
    configure(metrics_token=TOKEN)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        refused = await client.get("/metrics", headers=headers)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == "Bearer"
        assert errors(refused)[0]["propertyName"] == "Authorization"
        assert "ixon_http_requests_total" not in refused.text
    allowed = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert allowed.status_code == 200 and "ixon_http_requests_total" in allowed.text


async def test_only_allowed_clients_may_scrape(
    app: FastAPI, configure: Callable[..., None]
) -> None:
    configure(metrics_allowed_clients="10.0.0.0/8, 2001:db8::1")
    async with from_address(app, "203.0.113.7") as outsider:
        refused = await outsider.get("/metrics")
    assert refused.status_code == 403 and errors(refused)[0]["message"]
    for inside in ("10.20.30.40", "2001:db8::1"):
        async with from_address(app, inside) as client:
            assert (await client.get("/metrics")).status_code == 200


async def test_both_settings_together_need_both(
    app: FastAPI, configure: Callable[..., None]
) -> None:
    configure(metrics_allowed_clients="10.0.0.1", metrics_token=TOKEN)
    async with from_address(app, "10.0.0.1") as client:
        assert (await client.get("/metrics")).status_code == 401
        ok = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200
    async with from_address(app, "10.0.0.2") as client:
        denied = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert denied.status_code == 403


@pytest.mark.parametrize(
    "changes",
    [
        {"metrics_allowed_clients": "10.0.0.0/8, not-an-address"},
        {"login_limit_per_account_client": "five a minute"},
        {"recover_limit_per_address": "5/hour;10/day"},
    ],
)
def test_a_mistyped_setting_stops_start_up(changes: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="IXON_"):
        Settings(**changes)  # type: ignore[arg-type]
