"""The IXON wire contract: headers, envelope, error shape, discovery, both prefixes."""

from __future__ import annotations

import httpx
import pytest
from fastapi import APIRouter

from app.config import Settings
from app.core.handlers import REQUEST_ID_HEADER
from app.main import create_app
from tests.helpers import Api, World, error_props, errors

PREFIXES = ["", "/api"]


@pytest.mark.parametrize("prefix", PREFIXES)
async def test_seed_role_and_group_calls_answer_as_ixon_documents(api: Api, prefix: str) -> None:
    for path in ("/roles", "/groups"):
        response = await api.get(path, params={"fields": "publicId,name"}, prefix=prefix)
        assert response.status_code == 200
        body = response.json()
        assert list(body) == ["type", "data", "moreAfter", "status"]
        assert body["status"] == "success" and body["moreAfter"] is None
        assert body["data"] and all(set(item) == {"publicId", "name"} for item in body["data"])


@pytest.mark.parametrize(
    ("headers", "prop"),
    [
        ({"Api-Version": "1"}, "Api-Version"),
        ({"Api-Version": "two"}, "Api-Version"),
        ({"Api-Application": "short"}, "Api-Application"),
        ({"Api-Application": "unknownAppId"}, "Api-Application"),
        ({"Api-Company": "1234"}, "Api-Company"),
        ({"Api-Company": "9999-9999-9999-9999-9999"}, "Api-Company"),
    ],
)
async def test_bad_headers_are_refused_naming_the_header(
    api: Api, headers: dict[str, str], prop: str
) -> None:
    response = await api.get("/roles", headers=headers)
    assert 400 <= response.status_code < 500
    assert prop in error_props(response)
    assert all(e["message"] for e in errors(response))


async def test_missing_headers_are_each_named(api: Api) -> None:
    response = await api.get("/roles", application=None, company=None)
    assert response.status_code == 400
    assert {"Api-Application", "Api-Company"} <= error_props(response)


async def test_missing_api_version_is_refused(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get("/roles", headers={"Api-Application": world.application_id})
    assert response.status_code == 400
    assert "Api-Version" in error_props(response)


async def test_another_companys_id_and_an_unknown_one_answer_alike(api: Api, world: World) -> None:
    theirs = await api.get("/roles", company=world.b.id)
    unknown = await api.get("/roles", company="1111-2222-3333-4444-5555")
    assert theirs.status_code == unknown.status_code == 404
    assert errors(theirs) == errors(unknown)


async def test_a_disabled_application_is_refused(api: Api, world: World) -> None:
    from app.applications import service

    async with world.sessionmaker() as session:
        await service.set_enabled(session, world.application_id, False)
        await session.commit()
    response = await api.get("/roles")
    assert response.status_code == 400
    assert error_props(response) == {"Api-Application"}


async def test_unknown_route_and_method_answer_in_the_error_envelope(api: Api) -> None:
    missing = await api.get("/no-such-thing")
    assert missing.status_code == 404 and errors(missing)[0]["message"]
    wrong = await api.request("PUT", "/access-tokens/me")
    assert wrong.status_code == 405 and errors(wrong)[0]["message"]


async def test_malformed_json_is_a_clear_400(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post(
        "/access-tokens",
        content=b'{"expiresIn": ',
        headers={
            "Api-Version": "2",
            "Api-Application": world.application_id,
            "Content-Type": "application/json",
        },
    )
    assert response.status_code == 400
    assert "JSON" in errors(response)[0]["message"]


async def test_validation_errors_name_the_property_and_list_index(api: Api) -> None:
    response = await api.post(
        "/companies", company=None, json=[{"name": "Fine"}, {"name": ""}, {"nom": "x"}]
    )
    assert response.status_code == 400
    found = {(e["listIndex"], e["propertyName"]) for e in errors(response)}
    assert (1, "name") in found and (2, "name") in found and (2, "nom") in found


async def test_every_answer_carries_a_request_id(api: Api) -> None:
    ok = await api.get("/roles")
    bad = await api.get("/roles", headers={"Api-Version": "3"})
    assert ok.headers[REQUEST_ID_HEADER] and bad.headers[REQUEST_ID_HEADER]
    assert ok.headers[REQUEST_ID_HEADER] != bad.headers[REQUEST_ID_HEADER]


async def test_an_unexpected_error_is_a_500_envelope_without_a_stack_trace(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings)
    boom = APIRouter()

    @boom.get("/boom")
    async def explode() -> None:
        raise RuntimeError("secret internals")

    app.include_router(boom)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/boom")
    assert response.status_code == 500
    body = response.json()
    assert body["status"] == "error" and body["type"] == "Error"
    request_id = response.headers[REQUEST_ID_HEADER]
    assert request_id in body["data"][0]["message"]
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert any(request_id in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("prefix", PREFIXES)
async def test_discovery_lists_every_endpoint_with_ixon_rels(
    client: httpx.AsyncClient, prefix: str
) -> None:
    response = await client.get(f"{prefix}/", headers={"Api-Version": "2"})
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "Discovery"
    by_rel = {item["rel"]: item for item in body["data"]}
    assert by_rel["RoleList"]["href"] == f"http://testserver{prefix}/roles"
    assert by_rel["Role"]["href"] == f"http://testserver{prefix}/roles/{{publicId}}"
    assert by_rel["AccessTokenList"]["methods"] == ["DELETE", "GET", "POST"]
    assert {"PermissionList", "CompanyList", "GroupList", "MyUser"} <= set(by_rel)
    assert [item["rel"] for item in body["data"]] == sorted(by_rel)


async def test_discovery_and_permissions_need_no_application(client: httpx.AsyncClient) -> None:
    for path in ("/", "/permissions"):
        response = await client.get(path, headers={"Api-Version": "2"})
        assert response.status_code == 200, response.text


async def test_an_unreachable_database_is_a_503_envelope(settings: Settings, world: World) -> None:
    app = create_app(
        settings.model_copy(update={"database_url": "postgresql+asyncpg://x@127.0.0.1:1/x"})
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.get(
                "/roles",
                headers={
                    "Api-Version": "2",
                    "Api-Application": world.application_id,
                    "Api-Company": world.a.id,
                    "Authorization": "Bearer x",
                },
            )
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert errors(response)[0]["message"].startswith("The database is unavailable")
    assert "127.0.0.1" not in response.text
