"""The SCIM discovery documents (RFC 7643 §5 and §7), built and validated by scim2-models.

They describe what this service serves: the core User and Group schemas, reduced to the
attributes an IXON account and group carry, and a service provider that supports neither
PATCH, bulk, filtering, sorting, ETags nor password changes through SCIM (provisioning
endpoints are not served yet), authenticated with a bearer token.
"""

from __future__ import annotations

from typing import Any

from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    ETag,
    Filter,
    Group,
    ListResponse,
    Meta,
    Patch,
    Schema,
    ServiceProviderConfig,
    Sort,
    User,
)

DOCUMENTATION = "https://developer.ixon.cloud/docs"
# The account's e-mail address is its userName; name, language, localisation, time zone and
# phone number are the profile; groups are the company memberships.
USER_ATTRIBUTES = frozenset(
    {"userName", "name", "displayName", "preferredLanguage", "locale", "timezone", "active",
     "emails", "phoneNumbers", "groups"}
)  # fmt: skip
GROUP_ATTRIBUTES = frozenset({"displayName", "members"})


def _dump(document: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = document.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    return dumped


def service_provider_config(base_url: str) -> dict[str, Any]:
    config = ServiceProviderConfig(
        documentation_uri=DOCUMENTATION,
        patch=Patch(supported=False),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=False, max_results=0),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type="oauthbearertoken",
                name="Bearer token",
                description="An access token of the API (a service account's token), sent as "
                "Authorization: Bearer <token>.",
                documentation_uri=DOCUMENTATION,
                primary=True,
            )
        ],
        meta=Meta(
            resource_type="ServiceProviderConfig",
            location=f"{base_url}/ServiceProviderConfig",
        ),
    )
    return _dump(config)


def _schema(resource: type[User[Any]] | type[Group], keep: frozenset[str], base_url: str) -> Schema:
    schema = resource.to_schema()
    schema.attributes = [a for a in schema.attributes or [] if a.name in keep]
    schema.meta = Meta(resource_type="Schema", location=f"{base_url}/Schemas/{schema.id}")
    return schema


def schemas(base_url: str) -> dict[str, Any]:
    found = [
        _schema(User, USER_ATTRIBUTES, base_url),
        _schema(Group, GROUP_ATTRIBUTES, base_url),
    ]
    listing = ListResponse[Schema](
        total_results=len(found), start_index=1, items_per_page=len(found), resources=found
    )
    return _dump(listing)
