"""Every domain router, served at `/` and at `/api/` (IXON's documentation uses both; the
prefix is moved aside by app/core/prefix.py, so each route is declared and matched once)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from app.access_recover.router import router as access_recover
from app.access_tokens.router import router as access_tokens
from app.audit.router import router as audit
from app.auth.headers import api_version
from app.brandings.router import router as brandings
from app.companies.router import router as companies
from app.core import prefix
from app.core.envelope import ErrorEnvelope
from app.discovery.router import router as discovery
from app.email_changes.router import router as email_changes
from app.groups.router import router as groups
from app.idempotency import openapi as idempotency_openapi
from app.invites.router import router as invites
from app.memberships.router import router as memberships
from app.otp_auth.router import router as otp_auth
from app.permissions.router import router as permissions
from app.registrations.router import router as registrations
from app.roles.router import router as roles
from app.scim import router as scim
from app.service_accounts.router import router as service_accounts
from app.users.router import router as users
from app.webhooks.router import router as webhooks

# Order matters where paths overlap: `/users/memberships` and `/users/service-account` must
# come before `/users/{publicId}`.
DOMAIN_ROUTERS = (
    discovery,
    permissions,
    access_tokens,
    companies,
    memberships,
    service_accounts,
    users,
    roles,
    groups,
    invites,
    brandings,
    registrations,
    access_recover,
    email_changes,
    otp_auth,
    audit,
    webhooks,
)


def operation_id(route: APIRoute) -> str:
    """Stable, readable ids from IXON's rel and the method: ``getRoleList``, ``postInviteList``."""
    method = sorted(route.methods or {"GET"})[0].lower()
    rel = route.tags[0] if route.tags else route.name
    return f"{method}{rel}"


def build_router() -> APIRouter:
    api = APIRouter(
        dependencies=[Depends(api_version)],
        # IXON's cloud-function runtime sends JSON bodies without a Content-Type: a body that
        # parses as JSON is JSON (an explicit other type is a 415, app/core/handlers.py).
        strict_content_type=False,
        generate_unique_id_function=operation_id,
        responses={"4XX": {"model": ErrorEnvelope, "description": "IXON's error envelope"}},
    )
    for router in DOMAIN_ROUTERS:
        api.include_router(router)
    return api


def include(app: FastAPI) -> prefix.ApiPaths:
    """Adds the API's routes; returns their paths (the ones `/api` serves too)."""
    api = build_router()
    app.include_router(api)
    # Outside `api`: SCIM clients send no IXON headers (the version is in the path).
    scim.include(app)
    idempotency_openapi.document(app)
    routes = iter_route_contexts([*api.routes, *scim.router.routes])
    return prefix.ApiPaths.of(route.path for route in routes if route.path)
