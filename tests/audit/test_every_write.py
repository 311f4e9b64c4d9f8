"""Every write operation of the API leaves an audit event (the matrix of all of them).

Company-scoped writes reuse tests/test_matrix.py's cases, done by company A's administrator,
and must show in company A's log; the others (log-in, the caller's own account, e-mail link
flows) are built here. A write route listed in neither fails
`test_every_write_operation_is_in_the_audit_matrix`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from tests.helpers import Api, Person, World, basic
from tests.invites.support import as_link, invite, link_of
from tests.otp_auth.support import BRANDING, code, turn_on
from tests.registrations.support import mails, secret_in
from tests.test_matrix import MATRIX, Ctx2, send

WRITES = {"POST", "PATCH", "PUT", "DELETE"}
NEW_ACCOUNT = {"name": "Audited Person", "password": "a long passphrase"}


@dataclass
class Scene:
    api: Api
    world: World
    client: httpx.AsyncClient
    session: AsyncSession

    async def log_in(self, person: Person) -> dict[str, Any]:
        response = await self.api.post(
            "/access-tokens",
            token=None,
            company=None,
            json={"expiresIn": 600},
            params={"fields": "publicId,secretId"},
            headers={"Authorization": basic(person.email, person.password)},
        )
        assert response.status_code == 201, response.text
        return dict(response.json()["data"])

    async def me(self, person: Person, method: str, path: str, **kw: Any) -> httpx.Response:
        return await self.api.request(method, path, token=person.token, company=None, **kw)

    async def link(self, kind: str, page: str, recipient: str) -> str:
        *_, newest = await mails(self.session, kind=kind, recipient=recipient)
        return secret_in(newest, page)


Step = Callable[[], Awaitable[httpx.Response]]
Flow = Callable[[Scene], Awaitable[Step]]


async def _log_in(s: Scene) -> Step:
    person = s.world.a.admin
    return lambda: s.api.post(
        "/access-tokens",
        token=None,
        company=None,
        json={"expiresIn": 600},
        headers={"Authorization": basic(person.email, person.password)},
    )


async def _delete_tokens(s: Scene) -> Step:
    person = await s.world.person("Token Owner")
    made = await s.log_in(person)
    return lambda: s.me(person, "DELETE", "/access-tokens", json=[{"publicId": made["publicId"]}])


async def _delete_token(s: Scene) -> Step:
    person = await s.world.person("Token Owner")
    made = await s.log_in(person)
    return lambda: s.me(person, "DELETE", f"/access-tokens/{made['publicId']}")


async def _log_out(s: Scene) -> Step:
    person = await s.world.person("Leaving")
    return lambda: s.me(person, "DELETE", "/access-tokens/me")


async def _own_company(s: Scene) -> tuple[Person, str]:
    person = await s.world.person("Founder")
    made = await s.me(person, "POST", "/companies", json=[{"name": "Short-lived"}])
    return person, str(made.json()["data"][0]["publicId"])


async def _delete_companies(s: Scene) -> Step:
    person, company = await _own_company(s)
    return lambda: s.me(person, "DELETE", "/companies", json=[{"publicId": company}])


async def _delete_company(s: Scene) -> Step:
    person, company = await _own_company(s)
    return lambda: s.me(person, "DELETE", f"/companies/{company}")


async def _delete_account(s: Scene) -> Step:
    person = await s.world.person("Gone")
    return lambda: s.me(person, "DELETE", "/users/me")


async def _new_account(s: Scene) -> Step:
    invite_id = await invite(s.api, "audited.newcomer@example.com")
    secret = await link_of(s.world.sessionmaker, invite_id)
    return lambda: as_link(s.client, s.world, "POST", "/users", secret, NEW_ACCOUNT)


async def _invited(s: Scene) -> tuple[Person, str]:
    person = await s.world.person("Invitee")
    return person, await invite(s.api, person.email)


async def _finish_invite(s: Scene) -> Step:
    person, invite_id = await _invited(s)
    return lambda: s.me(person, "POST", f"/invites/{invite_id}/finish")


async def _finish_by_link(s: Scene) -> Step:
    _, invite_id = await _invited(s)
    secret = await link_of(s.world.sessionmaker, invite_id)
    return lambda: as_link(s.client, s.world, "POST", "/invites/me/finish", secret)


async def _decline_by_link(s: Scene) -> Step:
    _, invite_id = await _invited(s)
    secret = await link_of(s.world.sessionmaker, invite_id)
    return lambda: as_link(s.client, s.world, "DELETE", "/invites/me", secret)


async def _decline_mine(s: Scene) -> Step:
    person, invite_id = await _invited(s)
    return lambda: s.me(person, "DELETE", "/users/me/invites", json=[{"publicId": invite_id}])


async def _decline_one(s: Scene) -> Step:
    person, invite_id = await _invited(s)
    return lambda: s.me(person, "DELETE", f"/users/me/invites/{invite_id}")


REGISTRATION = {
    "companyName": "Audited BV",
    "name": "Reg Istrant",
    "emailAddress": "registrant@example.com",
    "password": "a long passphrase",
}


def _registering(s: Scene) -> Awaitable[httpx.Response]:
    return s.api.post(
        "/registrations", token=None, company=None, branding=BRANDING, json=REGISTRATION
    )


async def _register(s: Scene) -> Step:
    return lambda: _registering(s)


async def _registration_link(s: Scene) -> str:
    assert (await _registering(s)).status_code == 201
    return await s.link("registration_confirmation", "registrations", "registrant@example.com")


async def _finish_registration(s: Scene) -> Step:
    secret = await _registration_link(s)
    return lambda: s.api.post("/registrations/me/finish", token=secret, company=None)


async def _cancel_registration(s: Scene) -> Step:
    secret = await _registration_link(s)
    return lambda: s.api.delete("/registrations/me", token=secret, company=None)


def _recovering(s: Scene, person: Person) -> Awaitable[httpx.Response]:
    body = {"emailAddress": person.email}
    return s.api.post("/access-recover", token=None, company=None, branding=BRANDING, json=body)


async def _recover(s: Scene) -> Step:
    person = await s.world.person("Forgetful")
    return lambda: _recovering(s, person)


async def _recover_link(s: Scene) -> str:
    person = await s.world.person("Forgetful")
    assert (await _recovering(s, person)).status_code == 201
    return await s.link("password_reset", "access-recover", person.email)


def _link_headers(s: Scene, secret: str) -> dict[str, str]:
    return {"Api-Version": "2", "Api-Application": s.world.application_id,
            "Api-Branding": BRANDING, "Authorization": f"Bearer {secret}"}  # fmt: skip


async def _cancel_recovery(s: Scene) -> Step:
    secret = await _recover_link(s)
    return lambda: s.client.delete("/access-recover/me", headers=_link_headers(s, secret))


async def _finish_recovery(s: Scene) -> Step:
    secret = await _recover_link(s)
    body = {"newPassword": "a brand new passphrase", "deleteAccessTokens": True}
    return lambda: s.client.post(
        "/access-recover/me/finish", headers=_link_headers(s, secret), json=body
    )


CHANGES = "/users/me/email-address-changes"


def _asking(s: Scene, person: Person) -> Awaitable[httpx.Response]:
    body = {"newEmailAddress": f"moved.{person.id}@example.com"}
    return s.me(person, "POST", CHANGES, branding=BRANDING, json=body)


async def _ask_change(s: Scene) -> Step:
    person = await s.world.person("Mover")
    return lambda: _asking(s, person)


async def _change(s: Scene) -> tuple[Person, str]:
    person = await s.world.person("Mover")
    response = await _asking(s, person)
    assert response.status_code == 201, response.text
    return person, str(response.json()["data"][0]["publicId"])


async def _cancel_changes(s: Scene) -> Step:
    person, change = await _change(s)
    return lambda: s.me(person, "DELETE", CHANGES, json=[{"publicId": change}])


async def _cancel_change(s: Scene) -> Step:
    person, change = await _change(s)
    return lambda: s.me(person, "DELETE", f"{CHANGES}/{change}")


async def _change_link(s: Scene) -> str:
    person, _ = await _change(s)
    address = f"moved.{person.id}@example.com"
    return await s.link("email_change_confirmation", "email-address-changes", address)


async def _cancel_change_by_link(s: Scene) -> Step:
    secret = await _change_link(s)
    return lambda: s.api.delete("/email-address-changes/me", token=secret, company=None)


async def _confirm_change(s: Scene) -> Step:
    secret = await _change_link(s)
    return lambda: s.api.post("/email-address-changes/me/finish", token=secret, company=None)


async def _password(s: Scene) -> Step:
    person = await s.world.person("Rotating")
    body = {"oldPassword": person.password, "newPassword": "another long one",
            "deleteAccessTokens": False}  # fmt: skip
    return lambda: s.me(person, "POST", "/users/me/password", branding=BRANDING, json=body)


async def _leave(s: Scene) -> Step:
    member = await s.world.member(s.world.a, "Viewer")
    body = [{"publicId": s.world.a.id}]
    return lambda: s.me(member, "DELETE", "/users/me/leave-companies", json=body)


async def _enable(s: Scene) -> Step:
    person = await s.world.person("Careful")
    return lambda: s.me(person, "POST", "/users/me/otp-auth/enable")


async def _verify(s: Scene) -> Step:
    person = await s.world.person("Careful")
    enabled = await s.me(person, "POST", "/users/me/otp-auth/enable")
    body = {"oneTimePassword": code(enabled.json()["data"]["secret"]), "deviceName": "Phone"}
    return lambda: s.me(person, "POST", "/users/me/otp-auth/verify", branding=BRANDING, json=body)


async def _disable(s: Scene) -> Step:
    person = await s.world.person("Careless")
    await turn_on(s.api, person)
    body = {"password": person.password}
    return lambda: s.me(person, "POST", "/users/me/otp-auth/disable", branding=BRANDING, json=body)


async def _reset(s: Scene) -> Step:
    member = await s.world.member(s.world.a, "Viewer")
    await turn_on(s.api, member)
    return lambda: s.api.delete(f"/users/{member.id}/otp-auth")


# Each write, and the target its event names.
FLOWS: dict[tuple[str, str], tuple[Flow, str]] = {
    ("POST", "/access-tokens"): (_log_in, "AccessToken"),
    ("DELETE", "/access-tokens"): (_delete_tokens, "AccessToken"),
    ("DELETE", "/access-tokens/{publicId}"): (_delete_token, "AccessToken"),
    ("DELETE", "/access-tokens/me"): (_log_out, "AccessToken"),
    ("DELETE", "/companies"): (_delete_companies, "Company"),
    ("DELETE", "/companies/{publicId}"): (_delete_company, "Company"),
    ("DELETE", "/users/me"): (_delete_account, "User"),
    ("POST", "/users"): (_new_account, "User"),
    ("POST", "/invites/{publicId}/finish"): (_finish_invite, "Invite"),
    ("POST", "/invites/me/finish"): (_finish_by_link, "Invite"),
    ("DELETE", "/invites/me"): (_decline_by_link, "Invite"),
    ("DELETE", "/users/me/invites"): (_decline_mine, "Invite"),
    ("DELETE", "/users/me/invites/{publicId}"): (_decline_one, "Invite"),
    ("POST", "/registrations"): (_register, "Registration"),
    ("POST", "/registrations/me/finish"): (_finish_registration, "Company"),
    ("DELETE", "/registrations/me"): (_cancel_registration, "Registration"),
    ("POST", "/access-recover"): (_recover, "EmailLink"),
    ("DELETE", "/access-recover/me"): (_cancel_recovery, "EmailLink"),
    ("POST", "/access-recover/me/finish"): (_finish_recovery, "User"),
    ("POST", CHANGES): (_ask_change, "EmailAddressChange"),
    ("DELETE", CHANGES): (_cancel_changes, "EmailAddressChange"),
    ("DELETE", f"{CHANGES}/{{publicId}}"): (_cancel_change, "EmailAddressChange"),
    ("DELETE", "/email-address-changes/me"): (_cancel_change_by_link, "EmailAddressChange"),
    ("POST", "/email-address-changes/me/finish"): (_confirm_change, "User"),
    ("POST", "/users/me/password"): (_password, "User"),
    ("DELETE", "/users/me/leave-companies"): (_leave, "UserMembership"),
    ("POST", "/users/me/otp-auth/enable"): (_enable, "OtpAuth"),
    ("POST", "/users/me/otp-auth/verify"): (_verify, "OtpAuth"),
    ("POST", "/users/me/otp-auth/disable"): (_disable, "OtpAuth"),
    # In the permission matrix too, but there nothing is reset (the member has no 2FA).
    ("DELETE", "/users/{publicId}/otp-auth"): (_reset, "OtpAuth"),
}
COMPANY_WRITES = {
    key: case for key, case in MATRIX.items() if key[0] in WRITES and key not in FLOWS
}


def test_every_write_operation_is_in_the_audit_matrix(app: FastAPI) -> None:
    writes = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if method.upper() in WRITES
    }
    listed = set(FLOWS) | set(COMPANY_WRITES)
    assert writes - listed == set(), "add these write operations to tests/audit"
    assert listed - writes == set(), "these operations no longer exist"


async def _events(session: AsyncSession, company: str | None = None) -> int:
    stmt = select(func.count()).select_from(AuditEvent)
    if company is not None:
        stmt = stmt.where(AuditEvent.company == company)
    return int(await session.scalar(stmt) or 0)


@pytest.mark.parametrize("key", list(COMPANY_WRITES), ids=[f"{m} {p}" for m, p in COMPANY_WRITES])
async def test_a_company_write_shows_in_the_company_log(
    api: Api, world: World, session: AsyncSession, key: tuple[str, str]
) -> None:
    case = COMPANY_WRITES[key]
    ctx = Ctx2(api, world)
    call = await case.build(ctx, world.a)
    before = await _events(session, world.a.id)
    response = await send(ctx, call, world.a.admin.token, world.a)
    assert response.status_code == case.success, response.text
    if not call.company:  # the admin's own account or a new company: logs of their companies
        assert await _events(session) > before
        return
    assert await _events(session, world.a.id) > before
    listed = await api.get("/audit-logs", params={"page-size": "1"})
    newest = listed.json()["data"][0]
    assert newest["actor"]["resource"]["publicId"] == world.a.admin.id
    assert newest["request"]["ipAddress"] == "203.0.113.7"


@pytest.mark.parametrize("key", list(FLOWS), ids=[f"{m} {p}" for m, p in FLOWS])
async def test_a_write_outside_a_company_is_recorded(
    api: Api, world: World, client: httpx.AsyncClient, session: AsyncSession, key: tuple[str, str]
) -> None:
    flow, target = FLOWS[key]
    step = await flow(Scene(api, world, client, session))
    last = await session.scalar(select(func.max(AuditEvent.id))) or 0
    response = await step()
    assert response.status_code < 300, response.text
    targets = set(await session.scalars(select(AuditEvent.target).where(AuditEvent.id > last)))
    assert target in targets, targets
