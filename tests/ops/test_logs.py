"""One log line per request: request id, route template, status, duration and who called;
never a secret, a token, a password or a body."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from app.config import Settings
from app.main import create_app
from app.observability import logs
from app.observability.middleware import ObservabilityMiddleware
from tests.helpers import Api, basic


def request_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == logs.REQUEST_LOGGER]


async def test_one_line_per_request_with_its_id_route_and_status(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="app")
    response = await api.get("/roles/abcdefghijkl", headers={"X-Request-Id": "trace-12345678"})
    assert response.status_code == 404
    assert response.headers["X-Request-Id"] == "trace-12345678"
    (record,) = request_lines(caplog)
    fields = record.fields  # type: ignore[attr-defined]
    assert fields["request_id"] == "trace-12345678"
    assert fields["route"] == "/roles/{publicId}" and fields["status"] == 404
    assert fields["method"] == "GET" and fields["duration_ms"] >= 0
    assert fields["company"] == api.world.a.id
    assert fields["user"] == api.world.a.admin.id  # named by the auth layer
    assert fields["application"] == api.world.application_id
    line = json.loads(logs.JsonFormatter().format(record))
    assert line["request_id"] == "trace-12345678" and line["level"] == "info"
    assert "abcdefghijkl" not in json.dumps(line)


async def test_no_secret_reaches_the_log(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="app")
    admin = api.world.a.admin
    await api.post(
        "/access-tokens",
        token=None,
        company=None,
        headers={"Authorization": basic(admin.email, admin.password)},
        json={"expiresIn": 600},
    )
    await api.post(
        "/access-tokens",
        token=None,
        company=None,
        headers={"Authorization": basic(admin.email, "not my password")},
        json={"expiresIn": 600},
    )
    await api.get("/roles")
    assert len(request_lines(caplog)) == 3
    formatter = logs.JsonFormatter()
    text = "\n".join(formatter.format(r) for r in caplog.records)
    for secret in (admin.token, admin.password, "not my password", basic(admin.email, "x")[6:]):
        assert secret not in text
    assert admin.email not in text


async def test_probes_are_quiet_at_info(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="app")
    await client.get("/healthz")
    await client.get("/readyz")
    assert request_lines(caplog) == []


async def test_an_unexpected_error_is_logged_as_a_500(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings(database_url=database_url))

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("kaput")

    caplog.set_level(logging.INFO, logger="app")
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/boom")
    assert response.status_code == 500
    (record,) = request_lines(caplog)
    assert record.fields["status"] == 500  # type: ignore[attr-defined]
    assert record.fields["request_id"] == response.headers["X-Request-Id"]  # type: ignore[attr-defined]
    errors = [r for r in caplog.records if r.name == "app.errors"]
    assert errors and response.headers["X-Request-Id"] in errors[0].getMessage()


async def test_the_caller_is_logged_when_the_auth_layer_names_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        scope.setdefault("state", {})["caller"] = ("user12345678", "1234-5678-9012-3456-7890")
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    caplog.set_level(logging.INFO, logger="app")
    transport = httpx.ASGITransport(app=ObservabilityMiddleware(endpoint, metrics=None))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        await client.get("/anything", headers={"Api-Company": "ignored"})
    (record,) = request_lines(caplog)
    fields = record.fields  # type: ignore[attr-defined]
    assert fields["user"] == "user12345678" and fields["company"] == "1234-5678-9012-3456-7890"
    assert fields["route"] == "<unmatched>" and fields["status"] == 204


def test_json_in_production_text_in_development() -> None:
    production = Settings(environment="production", secret_key="s" * 40)
    assert logs.config(production)["handlers"]["stderr"]["formatter"] == "json"
    assert logs.config(Settings())["handlers"]["stderr"]["formatter"] == "text"
    assert logs.config(Settings(log_format="json"))["handlers"]["stderr"]["formatter"] == "json"
    record = logging.makeLogRecord(
        {
            "name": logs.REQUEST_LOGGER,
            "levelno": logging.INFO,
            "levelname": "INFO",
            "msg": "GET /roles 200 1.0 ms",
            "request_id": "abc",
            "fields": {"route": "/roles", "status": 200, "user": "u1", "company": None},
        }
    )
    text = logs.TextFormatter().format(record)
    assert text.endswith("GET /roles 200 1.0 ms  [request_id=abc user=u1]")
    parsed = json.loads(logs.JsonFormatter().format(record))
    assert parsed["route"] == "/roles" and parsed["user"] == "u1" and parsed["company"] is None


def test_uvicorn_access_lines_are_replaced_by_ours() -> None:
    loggers = logs.config(Settings())["loggers"]
    assert loggers["uvicorn.access"]["propagate"] is False
    assert loggers["app"]["level"] == "INFO"
