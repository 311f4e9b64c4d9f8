"""Every operation of the API, in two matrices.

- Permissions: a member without the permission an operation needs is refused (403) and a member
  whose role grants exactly that permission succeeds.
- Tenants: every operation that names an object, aimed from company A at company B's object,
  answers 404 and leaves the object as it was.

A route that is not listed here fails `test_every_operation_is_in_the_matrix`.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.auth.permissions import Permission
from app.webhooks.models import WebhookEvent
from tests.helpers import Api, CompanyInfo, Person, World

P = Permission
_names = itertools.count()


def unique(prefix: str) -> str:
    return f"{prefix} {next(_names)}"


@dataclass
class Call:
    method: str
    path: str
    json: Any = None
    params: dict[str, str] | None = None
    branding: str | None = None
    company: bool = True


@dataclass
class Ctx:
    """Makes objects through the API, as the administrator of the company they belong to."""

    api: Api
    world: World

    def _as(self, company: CompanyInfo) -> dict[str, Any]:
        return {"token": company.admin.token, "company": company.id}

    async def _post(self, company: CompanyInfo, path: str, body: Any) -> str:
        response = await self.api.post(path, json=body, **self._as(company))
        assert response.status_code == 201, response.text
        return str(response.json()["data"][0]["publicId"])

    async def role(self, company: CompanyInfo) -> str:
        return await self._post(company, "/roles", [{"name": unique("Role")}])

    async def group_type(self, company: CompanyInfo) -> str:
        return await self._post(company, "/group-types", [{"name": unique("Type")}])

    async def group(self, company: CompanyInfo) -> str:
        kind = await self.group_type(company)
        body = [{"name": unique("Group"), "type": {"publicId": kind}}]
        return await self._post(company, "/groups", body)

    async def member(self, company: CompanyInfo) -> Person:
        return await self.world.member(company, "User", name="Matrix Member")

    async def membership(self, company: CompanyInfo) -> str:
        person = await self.member(company)
        body = [
            {
                "user": {"publicId": person.id},
                "group": {"publicId": company.group_id},
                "role": {"publicId": company.roles["Viewer"]},
            }
        ]
        return await self._post(company, "/users/memberships", body)

    async def webhook_endpoint(self, company: CompanyInfo) -> str:
        body = {"url": "https://hooks.example.com/matrix", "events": ["invite.created"]}
        response = await self.api.post("/webhook-endpoints", json=body, **self._as(company))
        assert response.status_code == 201, response.text
        return str(response.json()["data"]["publicId"])

    async def webhook_event(self, company: CompanyInfo) -> str:
        """An endpoint and an event stored for it (an invite): ``endpoint/events/event``."""
        hook = await self.webhook_endpoint(company)
        invitee = {
            "emailAddress": f"hooked.{next(_names)}@example.com",
            "groupRoles": [
                {
                    "group": {"publicId": company.group_id},
                    "role": {"publicId": company.roles["Viewer"]},
                }
            ],
        }
        response = await self.api.post(
            "/invites", json=[invitee], branding="portal.ixon.cloud", **self._as(company)
        )
        assert response.status_code == 201, response.text
        async with self.world.sessionmaker() as session:
            event = await session.scalar(
                select(WebhookEvent.public_id).order_by(WebhookEvent.id.desc()).limit(1)
            )
        return f"{hook}/events/{event}"

    async def service_account(self, company: CompanyInfo) -> str:
        return await self._post(company, "/users/service-account", [{"name": unique("Robot")}])

    async def fetch(self, company: CompanyInfo, path: str) -> Any:
        response = await self.api.get(path, params={"fields": "*"}, **self._as(company))
        return response.status_code, response.json()


Builder = Callable[[Ctx, CompanyInfo], Awaitable[Call]]


@dataclass
class Case:
    """How to call one operation in a company (``build``); what it needs (``permission``: None
    means any member); ``probe``, for operations naming an object, the GET that shows it."""

    build: Builder
    permission: Permission | None = None
    probe: Callable[[Call], str] | None = None
    success: int = 200
    notes: list[str] = field(default_factory=list)


def call(method: str, path: str, **kwargs: Any) -> Builder:
    async def build(ctx: Ctx, company: CompanyInfo) -> Call:
        return Call(method, path, **kwargs)

    return build


def on(
    maker: str, method: str, template: str, body: Callable[[str], Any] | None = None, **kwargs: Any
) -> Builder:
    """A call naming a fresh object made by ``Ctx.<maker>`` (in the path, or in the body)."""

    async def build(ctx: Ctx, company: CompanyInfo) -> Call:
        made = await getattr(ctx, maker)(company)
        object_id = made.id if isinstance(made, Person) else made
        return Call(
            method, template.format(id=object_id), json=body(object_id) if body else None, **kwargs
        )

    return build


def same_path(c: Call) -> str:
    return c.path


def role_permissions_path(c: Call) -> str:
    return c.path.rsplit("/permissions", 1)[0]


def body_id(prefix: str) -> Callable[[Call], str]:
    return lambda c: f"{prefix}/{(c.json[0] if isinstance(c.json, list) else c.json)['publicId']}"


MATRIX: dict[tuple[str, str], Case] = {
    # Public and self-service operations (no company permission involved).
    ("GET", "/"): Case(call("GET", "/", company=False)),
    ("GET", "/permissions"): Case(call("GET", "/permissions", company=False)),
    ("GET", "/brandings"): Case(call("GET", "/brandings", company=False)),
    ("GET", "/access-tokens"): Case(call("GET", "/access-tokens", company=False)),
    ("GET", "/access-tokens/me"): Case(call("GET", "/access-tokens/me", company=False)),
    ("GET", "/companies"): Case(call("GET", "/companies", company=False)),
    ("GET", "/users/me"): Case(call("GET", "/users/me", company=False)),
    ("PATCH", "/users/me"): Case(call("PATCH", "/users/me", json={"name": "Me"}, company=False)),
    ("POST", "/companies"): Case(
        call("POST", "/companies", json=[{"name": "Own"}], company=False), success=201
    ),
    # Company-wide reads any member may do.
    ("GET", "/companies/me"): Case(call("GET", "/companies/me")),
    ("GET", "/roles"): Case(call("GET", "/roles")),
    ("GET", "/groups"): Case(call("GET", "/groups")),
    ("GET", "/groups/roles"): Case(call("GET", "/groups/roles")),
    ("GET", "/group-types"): Case(call("GET", "/group-types")),
    ("GET", "/roles/{publicId}"): Case(on("role", "GET", "/roles/{id}"), probe=same_path),
    ("GET", "/groups/{publicId}"): Case(on("group", "GET", "/groups/{id}"), probe=same_path),
    ("GET", "/group-types/{publicId}"): Case(
        on("group_type", "GET", "/group-types/{id}"), probe=same_path
    ),
    # The company itself.
    ("PATCH", "/companies/me"): Case(
        call("PATCH", "/companies/me", json={"name": "Renamed"}), P.COMPANY_ADMIN
    ),
    # Roles.
    ("POST", "/roles"): Case(
        call("POST", "/roles", json=[{"name": "New role"}]), P.MANAGE_ROLES, success=201
    ),
    ("PATCH", "/roles"): Case(
        on("role", "PATCH", "/roles", body=lambda i: [{"publicId": i, "name": unique("R")}]),
        P.MANAGE_ROLES,
        probe=body_id("/roles"),
    ),
    ("DELETE", "/roles"): Case(
        on("role", "DELETE", "/roles", body=lambda i: [{"publicId": i}]),
        P.MANAGE_ROLES,
        probe=body_id("/roles"),
    ),
    ("PATCH", "/roles/{publicId}"): Case(
        on("role", "PATCH", "/roles/{id}", body=lambda i: {"name": unique("R")}),
        P.MANAGE_ROLES,
        probe=same_path,
    ),
    ("DELETE", "/roles/{publicId}"): Case(
        on("role", "DELETE", "/roles/{id}"), P.MANAGE_ROLES, probe=same_path
    ),
    ("POST", "/roles/{publicId}/permissions"): Case(
        on(
            "role", "POST", "/roles/{id}/permissions", body=lambda i: [{"publicId": "MANAGE_ROLES"}]
        ),
        P.MANAGE_ROLES,
        probe=role_permissions_path,
        success=201,
    ),
    ("PUT", "/roles/{publicId}/permissions"): Case(
        on("role", "PUT", "/roles/{id}/permissions", body=lambda i: [{"publicId": "MANAGE_ROLES"}]),
        P.MANAGE_ROLES,
        probe=role_permissions_path,
    ),
    ("DELETE", "/roles/{publicId}/permissions"): Case(
        on(
            "role_with_permission",
            "DELETE",
            "/roles/{id}/permissions",
            body=lambda i: [{"publicId": "MANAGE_ROLES"}],
        ),
        P.MANAGE_ROLES,
        probe=role_permissions_path,
    ),
    ("DELETE", "/roles/{parentId}/permissions/{publicId}"): Case(
        on("role_with_permission", "DELETE", "/roles/{id}/permissions/MANAGE_ROLES"),
        P.MANAGE_ROLES,
        probe=role_permissions_path,
    ),
    # Group types and groups.
    ("POST", "/group-types"): Case(
        call("POST", "/group-types", json=[{"name": "Site"}]), P.MANAGE_GROUPS, success=201
    ),
    ("PATCH", "/group-types"): Case(
        on(
            "group_type",
            "PATCH",
            "/group-types",
            body=lambda i: [{"publicId": i, "name": unique("T")}],
        ),
        P.MANAGE_GROUPS,
        probe=body_id("/group-types"),
    ),
    ("DELETE", "/group-types"): Case(
        on("group_type", "DELETE", "/group-types", body=lambda i: [{"publicId": i}]),
        P.MANAGE_GROUPS,
        probe=body_id("/group-types"),
    ),
    ("PATCH", "/group-types/{publicId}"): Case(
        on("group_type", "PATCH", "/group-types/{id}", body=lambda i: {"name": unique("T")}),
        P.MANAGE_GROUPS,
        probe=same_path,
    ),
    ("DELETE", "/group-types/{publicId}"): Case(
        on("group_type", "DELETE", "/group-types/{id}"), P.MANAGE_GROUPS, probe=same_path
    ),
    ("POST", "/groups"): Case(
        on(
            "group_type",
            "POST",
            "/groups",
            body=lambda i: [{"name": unique("G"), "type": {"publicId": i}}],
        ),
        P.MANAGE_GROUPS,
        success=201,
    ),
    ("PATCH", "/groups"): Case(
        on("group", "PATCH", "/groups", body=lambda i: [{"publicId": i, "name": unique("G")}]),
        P.MANAGE_GROUPS,
        probe=body_id("/groups"),
    ),
    ("DELETE", "/groups"): Case(
        on("group", "DELETE", "/groups", body=lambda i: [{"publicId": i}]),
        P.MANAGE_GROUPS,
        probe=body_id("/groups"),
    ),
    ("PATCH", "/groups/{publicId}"): Case(
        on("group", "PATCH", "/groups/{id}", body=lambda i: {"name": unique("G")}),
        P.MANAGE_GROUPS,
        probe=same_path,
    ),
    ("DELETE", "/groups/{publicId}"): Case(
        on("group", "DELETE", "/groups/{id}"), P.MANAGE_GROUPS, probe=same_path
    ),
    # Users and memberships.
    ("GET", "/users"): Case(call("GET", "/users"), P.VIEW_USERS),
    ("GET", "/users/{publicId}"): Case(
        on("member", "GET", "/users/{id}"), P.VIEW_USERS, probe=same_path
    ),
    ("DELETE", "/users"): Case(
        on("member", "DELETE", "/users", body=lambda i: [{"publicId": i}]),
        P.MANAGE_USERS,
        probe=body_id("/users"),
    ),
    ("DELETE", "/users/{publicId}"): Case(
        on("member", "DELETE", "/users/{id}"), P.MANAGE_USERS, probe=same_path
    ),
    ("GET", "/users/memberships"): Case(call("GET", "/users/memberships"), P.VIEW_USERS),
    ("GET", "/users/memberships/{publicId}"): Case(
        on("membership", "GET", "/users/memberships/{id}"), P.VIEW_USERS, probe=same_path
    ),
    ("POST", "/users/memberships"): Case(
        on(
            "member",
            "POST",
            "/users/memberships",
            body=lambda i: [
                {
                    "user": {"publicId": i},
                    "group": {"publicId": "{group}"},
                    "role": {"publicId": "{viewer}"},
                }
            ],
        ),
        P.MANAGE_USERS,
        success=201,
    ),
    ("PATCH", "/users/memberships"): Case(
        on(
            "membership",
            "PATCH",
            "/users/memberships",
            body=lambda i: [{"publicId": i, "expiresOn": "2999-01-01T00:00:00Z"}],
        ),
        P.MANAGE_USERS,
        probe=body_id("/users/memberships"),
    ),
    ("DELETE", "/users/memberships"): Case(
        on("membership", "DELETE", "/users/memberships", body=lambda i: [{"publicId": i}]),
        P.MANAGE_USERS,
        probe=body_id("/users/memberships"),
    ),
    ("PATCH", "/users/memberships/{publicId}"): Case(
        on(
            "membership",
            "PATCH",
            "/users/memberships/{id}",
            body=lambda i: {"expiresOn": "2999-01-01T00:00:00Z"},
        ),
        P.MANAGE_USERS,
        probe=same_path,
    ),
    ("DELETE", "/users/memberships/{publicId}"): Case(
        on("membership", "DELETE", "/users/memberships/{id}"), P.MANAGE_USERS, probe=same_path
    ),
    ("PUT", "/users/memberships/user/{publicId}"): Case(
        on(
            "member",
            "PUT",
            "/users/memberships/user/{id}",
            body=lambda i: [{"group": {"publicId": "{group}"}, "role": {"publicId": "{viewer}"}}],
        ),
        P.MANAGE_USERS,
        probe=lambda c: "/users/" + c.path.rsplit("/", 1)[1],
    ),
    # Invites.
    ("GET", "/invites"): Case(call("GET", "/invites"), P.VIEW_USERS),
    ("POST", "/invites"): Case(
        call(
            "POST",
            "/invites",
            branding="portal.ixon.cloud",
            json=[
                {
                    "emailAddress": "matrix.invitee@example.com",
                    "groupRoles": [
                        {"group": {"publicId": "{group}"}, "role": {"publicId": "{viewer}"}}
                    ],
                }
            ],
        ),
        P.MANAGE_USERS,
        success=201,
    ),
    ("DELETE", "/invites"): Case(
        on("invite", "DELETE", "/invites", body=lambda i: [{"publicId": i}]),
        P.MANAGE_USERS,
        probe=body_id("/invites"),
    ),
    ("GET", "/invites/{publicId}"): Case(
        on("invite", "GET", "/invites/{id}"), P.VIEW_USERS, probe=same_path
    ),
    ("DELETE", "/invites/{publicId}"): Case(
        on("invite", "DELETE", "/invites/{id}"), P.MANAGE_USERS, probe=same_path
    ),
    ("POST", "/invites/{publicId}/resend"): Case(
        on("invite", "POST", "/invites/{id}/resend", branding="portal.ixon.cloud"),
        P.MANAGE_USERS,
        probe=lambda c: c.path.rsplit("/resend", 1)[0],
        success=201,
    ),
    ("POST", "/invites/resend"): Case(
        on(
            "invite",
            "POST",
            "/invites/resend",
            body=lambda i: [{"publicId": i}],
            branding="portal.ixon.cloud",
        ),
        P.MANAGE_USERS,
        probe=body_id("/invites"),
        success=201,
    ),
    # Two-factor authentication (an administrator's reset) and the audit log.
    ("DELETE", "/users/{publicId}/otp-auth"): Case(
        on("member", "DELETE", "/users/{id}/otp-auth"),
        P.MANAGE_USERS,
        probe=lambda c: c.path.removesuffix("/otp-auth"),
    ),
    ("GET", "/audit-logs"): Case(call("GET", "/audit-logs"), P.VIEW_AUDIT_LOGS),
    ("GET", "/audit-logs-export"): Case(call("GET", "/audit-logs-export"), P.VIEW_AUDIT_LOGS),
    # Webhooks (our extension).
    ("GET", "/webhook-event-types"): Case(call("GET", "/webhook-event-types")),
    ("GET", "/webhook-endpoints"): Case(call("GET", "/webhook-endpoints"), P.MANAGE_WEBHOOKS),
    ("POST", "/webhook-endpoints"): Case(
        call(
            "POST",
            "/webhook-endpoints",
            json={"url": "https://hooks.example.com/m", "events": ["invite.created"]},
        ),
        P.MANAGE_WEBHOOKS,
        success=201,
    ),
    ("GET", "/webhook-endpoints/{publicId}"): Case(
        on("webhook_endpoint", "GET", "/webhook-endpoints/{id}"),
        P.MANAGE_WEBHOOKS,
        probe=same_path,
    ),
    ("PATCH", "/webhook-endpoints/{publicId}"): Case(
        on(
            "webhook_endpoint",
            "PATCH",
            "/webhook-endpoints/{id}",
            body=lambda i: {"enabled": False},
        ),
        P.MANAGE_WEBHOOKS,
        probe=same_path,
    ),
    ("DELETE", "/webhook-endpoints/{publicId}"): Case(
        on("webhook_endpoint", "DELETE", "/webhook-endpoints/{id}"),
        P.MANAGE_WEBHOOKS,
        probe=same_path,
    ),
    ("GET", "/webhook-endpoints/{publicId}/deliveries"): Case(
        on("webhook_endpoint", "GET", "/webhook-endpoints/{id}/deliveries"),
        P.MANAGE_WEBHOOKS,
        probe=lambda c: c.path.removesuffix("/deliveries"),
    ),
    ("POST", "/webhook-endpoints/{parentId}/events/{publicId}/redeliver"): Case(
        on("webhook_event", "POST", "/webhook-endpoints/{id}/redeliver"),
        P.MANAGE_WEBHOOKS,
        probe=lambda c: c.path.split("/events/")[0],
        success=201,
    ),
    # Service accounts.
    ("POST", "/users/service-account"): Case(
        call("POST", "/users/service-account", json=[{"name": "Robot"}]),
        P.MANAGE_SERVICE_ACCOUNTS,
        success=201,
    ),
    ("DELETE", "/users/service-account"): Case(
        on("service_account", "DELETE", "/users/service-account", body=lambda i: [{"publicId": i}]),
        P.MANAGE_SERVICE_ACCOUNTS,
        probe=body_id("/users"),
    ),
    ("DELETE", "/users/service-account/{publicId}"): Case(
        on("service_account", "DELETE", "/users/service-account/{id}"),
        P.MANAGE_SERVICE_ACCOUNTS,
        probe=lambda c: "/users/" + c.path.rsplit("/", 1)[1],
    ),
}

# Operations whose authorisation is not a company permission of the caller's `Api-Company`:
# each is tested in its own module, named here so a new route cannot slip through unnoticed.
COVERED_ELSEWHERE = {
    ("POST", "/access-tokens"): "tests/access_tokens (Basic credentials, rate limit)",
    ("DELETE", "/access-tokens"): "tests/access_tokens (only the caller's own tokens)",
    ("DELETE", "/access-tokens/me"): "tests/access_tokens",
    ("GET", "/access-tokens/{publicId}"): "tests/access_tokens (another user's token is 404)",
    ("DELETE", "/access-tokens/{publicId}"): "tests/access_tokens (another user's token is 404)",
    ("DELETE", "/companies"): "tests/companies (COMPANY_ADMIN of each company named)",
    ("GET", "/companies/{publicId}"): "tests/companies (members only, 404 otherwise)",
    ("DELETE", "/companies/{publicId}"): "tests/companies (COMPANY_ADMIN of that company)",
    ("GET", "/companies/{publicId}/branding"): "tests/brandings (public, as IXON has it)",
    ("DELETE", "/users/me"): "tests/users (the caller's own account)",
    # Flows authorised by an e-mail link's secret, or by being the invite's addressee.
    ("POST", "/users"): "tests/invites (creates the account of an invite link)",
    ("POST", "/invites/{publicId}/finish"): "tests/invites (the caller's own invite)",
    ("GET", "/invites/me"): "tests/invites (link secret)",
    ("DELETE", "/invites/me"): "tests/invites (link secret)",
    ("POST", "/invites/me/finish"): "tests/invites (link secret)",
    ("GET", "/users/me/invites"): "tests/invites (the caller's own invites)",
    ("DELETE", "/users/me/invites"): "tests/invites (the caller's own invites)",
    ("GET", "/users/me/invites/{publicId}"): "tests/invites (the caller's own invites)",
    ("DELETE", "/users/me/invites/{publicId}"): "tests/invites (the caller's own invites)",
    ("POST", "/registrations"): "tests/registrations (public)",
    ("GET", "/registrations/me"): "tests/registrations (link secret)",
    ("DELETE", "/registrations/me"): "tests/registrations (link secret)",
    ("POST", "/registrations/me/finish"): "tests/registrations (link secret)",
    ("POST", "/access-recover"): "tests/access_recover (public)",
    ("GET", "/access-recover/me"): "tests/access_recover (link secret)",
    ("DELETE", "/access-recover/me"): "tests/access_recover (link secret)",
    ("POST", "/access-recover/me/finish"): "tests/access_recover (link secret)",
    ("GET", "/users/me/email-address-changes"): "tests/email_changes (the caller's own)",
    ("POST", "/users/me/email-address-changes"): "tests/email_changes (the caller's own)",
    ("DELETE", "/users/me/email-address-changes"): "tests/email_changes (the caller's own)",
    ("GET", "/users/me/email-address-changes/{publicId}"): "tests/email_changes (own)",
    ("DELETE", "/users/me/email-address-changes/{publicId}"): "tests/email_changes (own)",
    ("GET", "/email-address-changes/me"): "tests/email_changes (link secret)",
    ("DELETE", "/email-address-changes/me"): "tests/email_changes (link secret)",
    ("POST", "/email-address-changes/me/finish"): "tests/email_changes (link secret)",
    ("POST", "/users/me/password"): "tests/users (the caller's own password)",
    ("DELETE", "/users/me/leave-companies"): "tests/users (the caller's own memberships)",
    ("POST", "/users/me/otp-auth/enable"): "tests/otp_auth (the caller's own account)",
    ("POST", "/users/me/otp-auth/verify"): "tests/otp_auth (the caller's own account)",
    ("POST", "/users/me/otp-auth/disable"): "tests/otp_auth (a code or the password too)",
    ("GET", "/{api-version}/{api-application}/scim/v2/Schemas"): "tests/scim (public)",
    ("GET", "/{api-version}/{api-application}/scim/v2/ServiceProviderConfig"): "tests/scim",
}


class Ctx2(Ctx):
    async def role_with_permission(self, company: CompanyInfo) -> str:
        body = [{"name": unique("Role"), "permissions": [{"publicId": "MANAGE_ROLES"}]}]
        return await self._post(company, "/roles", body)

    async def invite(self, company: CompanyInfo) -> str:
        body = [
            {
                "emailAddress": f"{unique('invitee').replace(' ', '')}@example.com",
                "groupRoles": [
                    {
                        "group": {"publicId": company.group_id},
                        "role": {"publicId": company.roles["Viewer"]},
                    }
                ],
            }
        ]
        response = await self.api.post(
            "/invites", json=body, branding="portal.ixon.cloud", **self._as(company)
        )
        assert response.status_code == 201, response.text
        return str(response.json()["data"]["invites"][0]["publicId"])


def _fill(value: Any, company: CompanyInfo) -> Any:
    """Company-specific placeholders in bodies: the company group, the Viewer role."""
    if isinstance(value, str):
        return {"{group}": company.group_id, "{viewer}": company.roles["Viewer"]}.get(value, value)
    if isinstance(value, list):
        return [_fill(v, company) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, company) for k, v in value.items()}
    return value


async def send(ctx: Ctx, c: Call, token: str, company: CompanyInfo) -> Any:
    return await ctx.api.request(
        c.method,
        c.path,
        json=_fill(c.json, company),
        params=c.params,
        token=token,
        company=company.id if c.company else None,
        branding=c.branding,
    )


def test_every_operation_is_in_the_matrix(app: FastAPI) -> None:
    operations = {
        (method.upper(), path)
        for path, methods in app.openapi()["paths"].items()
        for method in methods
    }
    listed = set(MATRIX) | set(COVERED_ELSEWHERE)
    assert operations - listed == set(), "add these operations to tests/test_matrix.py"
    assert listed - operations == set(), "these operations no longer exist"


async def _member_with(ctx: Ctx, permission: Permission | None) -> Person:
    """A member of company A whose one role grants exactly ``permission`` (or nothing)."""
    a = ctx.world.a
    if permission is None:
        return await ctx.world.member(a, "User", name="Plain Member")
    role = await ctx._post(
        a, "/roles", [{"name": unique("Only"), "permissions": [{"publicId": permission.value}]}]
    )
    person = await ctx.world.member(a, None, name="Permitted Member")
    await ctx._post(
        a,
        "/users/memberships",
        [
            {
                "user": {"publicId": person.id},
                "group": {"publicId": a.group_id},
                "role": {"publicId": role},
            }
        ],
    )
    return person


PERMISSION_CASES = [(key, case) for key, case in MATRIX.items() if case.permission is not None]


@pytest.mark.parametrize(
    ("key", "case"), PERMISSION_CASES, ids=[f"{m} {p}" for (m, p), _ in PERMISSION_CASES]
)
async def test_a_member_without_the_permission_is_refused(
    api: Api, world: World, key: tuple[str, str], case: Case
) -> None:
    ctx = Ctx2(api, world)
    outsider = await _member_with(ctx, None)
    c = await case.build(ctx, world.a)
    before = await ctx.fetch(world.a, case.probe(c)) if case.probe else None
    response = await send(ctx, c, outsider.token, world.a)
    assert response.status_code == 403, response.text
    if case.probe:
        assert await ctx.fetch(world.a, case.probe(c)) == before


@pytest.mark.parametrize(("key", "case"), list(MATRIX.items()), ids=[f"{m} {p}" for m, p in MATRIX])
async def test_a_member_with_exactly_the_permission_succeeds(
    api: Api, world: World, key: tuple[str, str], case: Case
) -> None:
    ctx = Ctx2(api, world)
    holder = await _member_with(ctx, case.permission)
    c = await case.build(ctx, world.a)
    response = await send(ctx, c, holder.token, world.a)
    assert response.status_code == case.success, response.text


TENANT_CASES = [(key, case) for key, case in MATRIX.items() if case.probe is not None]


@pytest.mark.parametrize(
    ("key", "case"), TENANT_CASES, ids=[f"{m} {p}" for (m, p), _ in TENANT_CASES]
)
async def test_another_companys_object_is_404_and_unchanged(
    api: Api, world: World, key: tuple[str, str], case: Case
) -> None:
    ctx = Ctx2(api, world)
    assert case.probe is not None
    c = await case.build(ctx, world.b)  # an object of company B ...
    before = await ctx.fetch(world.b, case.probe(c))
    assert before[0] == 200
    response = await send(ctx, c, world.a.admin.token, world.a)  # ... named from company A
    assert response.status_code == 404, response.text
    assert await ctx.fetch(world.b, case.probe(c)) == before
