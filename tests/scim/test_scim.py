"""SCIM discovery: RFC 7643 documents (validated with scim2-models) in IXON's envelope, at
`/{api-version}/{api-application}/scim/v2/...` with no IXON headers at all."""

from __future__ import annotations

import httpx
from scim2_models import Context, ListResponse, Schema, ServiceProviderConfig

from tests import ixon_schema
from tests.helpers import World

QUERY = Context.RESOURCE_QUERY_RESPONSE


def _path(world: World, document: str, prefix: str = "") -> str:
    return f"{prefix}/2/{world.application_id}/scim/v2/{document}"


async def test_the_service_provider_config_says_what_we_support(
    client: httpx.AsyncClient, world: World
) -> None:
    for prefix in ("", "/api"):
        response = await client.get(_path(world, "ServiceProviderConfig", prefix))
        assert response.status_code == 200, response.text
        body = response.json()
        ixon_schema.validate(_path(world, "ServiceProviderConfig", prefix), "GET", 200, body)
        assert body["status"] == "success" and body["type"] == "ScimServiceProviderConfig"
        config = ServiceProviderConfig.model_validate(body["data"], scim_ctx=QUERY)
        assert config.patch is not None and config.patch.supported is False
        assert config.bulk is not None and config.bulk.supported is False
        assert config.filter is not None and config.filter.supported is False
        schemes = config.authentication_schemes or []
        assert [s.type for s in schemes] == ["oauthbearertoken"]
        assert body["data"]["meta"]["location"] == (
            f"http://testserver{prefix}/2/{world.application_id}/scim/v2/ServiceProviderConfig"
        )


async def test_the_schemas_describe_users_and_groups(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.get(_path(world, "Schemas"), headers={"Api-Version": "2"})
    assert response.status_code == 200, response.text
    ixon_schema.validate(_path(world, "Schemas"), "GET", 200, response.json())
    listing = ListResponse[Schema].model_validate(response.json()["data"], scim_ctx=QUERY)
    schemas = {s.id: s for s in listing.resources or []}
    assert listing.total_results == len(schemas) == 2
    user = schemas["urn:ietf:params:scim:schemas:core:2.0:User"]
    names = {a.name for a in user.attributes or []}
    assert {"userName", "name", "emails", "groups"} <= names and "password" not in names
    group = schemas["urn:ietf:params:scim:schemas:core:2.0:Group"]
    assert {a.name for a in group.attributes or []} == {"displayName", "members"}


async def test_a_wrong_version_or_application_is_refused_in_the_envelope(
    client: httpx.AsyncClient, world: World
) -> None:
    unknown = await client.get("/2/unknownAppId/scim/v2/Schemas")
    assert unknown.status_code == 400 and unknown.json()["status"] == "error"
    assert unknown.json()["data"][0]["propertyName"] == "Api-Application"
    version = await client.get(f"/3/{world.application_id}/scim/v2/Schemas")
    assert version.status_code == 400
    assert version.json()["data"][0]["propertyName"] == "api-version"
    header = await client.get(_path(world, "Schemas"), headers={"Api-Version": "1"})
    assert header.status_code == 400


async def test_discovery_lists_the_scim_documents_with_ixons_path(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/", headers={"Api-Version": "2"})
    hrefs = {item["rel"]: item["href"] for item in response.json()["data"]}
    assert hrefs["ScimSchemas"] == (
        "http://testserver/{api-version}/{api-application}/scim/v2/Schemas"
    )
