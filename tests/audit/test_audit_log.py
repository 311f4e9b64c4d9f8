"""`GET /audit-logs` and `/audit-logs-export`: IXON's AuditLog shape, before/after without
secrets, filters, keyset paging newest first, tenant isolation, permissions, rollback, CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from tests.helpers import Api, CompanyInfo, World, errors
from tests.invites.support import invite, link_of


async def _role(api: Api, name: str) -> str:
    response = await api.post("/roles", json=[{"name": name}])
    assert response.status_code == 201, response.text
    return str(response.json()["data"][0]["publicId"])


async def _log(
    api: Api, *filters: str, as_company: CompanyInfo | None = None, **params: str
) -> list[dict[str, Any]]:
    query: dict[str, Any] = dict(params)
    if filters:
        query["filters"] = list(filters)
    who = {"token": as_company.admin.token, "company": as_company.id} if as_company else {}
    response = await api.get("/audit-logs", params=query, **who)
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


async def test_an_update_shows_who_changed_what_from_what_to_what(api: Api, world: World) -> None:
    role = await _role(api, "Operators")
    patched = await api.patch(f"/roles/{role}", json={"name": "Operators EU", "enforce2fa": True})
    assert patched.status_code == 200
    newest = (await _log(api, 'eq(target,"Role")', 'eq(action,"UPDATE")'))[0]
    assert newest["action"] == "UPDATE" and newest["target"] == "Role"
    assert newest["before"] == {"publicId": role, "name": "Operators", "enforce2fa": False}
    assert newest["after"] == {"publicId": role, "name": "Operators EU", "enforce2fa": True}
    assert newest["topic"] == {"company": world.a.id, "user": None, "agent": None, "asset": None}
    assert newest["actor"] == {
        "type": "client",
        "resource": {"publicId": world.a.admin.id, "name": "Company A Admin", "type": "User"},
    }
    assert newest["application"] == {"name": "Test application"}
    assert newest["request"]["ipAddress"] == "203.0.113.7"
    created = (await _log(api, 'eq(action,"CREATE")', 'eq(target,"Role")'))[0]
    assert created["before"] is None
    assert created["after"]["name"] == "Operators" and created["after"]["permissions"] == []


async def test_memberships_name_the_user_group_and_role_by_publicid(api: Api, world: World) -> None:
    person = await world.member(world.a, "User", name="Joiner")
    body = [{"user": {"publicId": person.id}, "group": {"publicId": world.a.group_id},
             "role": {"publicId": world.a.roles["Viewer"]}}]  # fmt: skip
    assert (await api.post("/users/memberships", json=body)).status_code == 201
    event = (await _log(api, 'eq(target,"UserMembership")'))[0]
    assert event["topic"]["user"] == person.id
    after = event["after"]
    assert isinstance(after, dict)
    assert after["user"] == {"publicId": person.id}
    assert after["group"] == {"publicId": world.a.group_id}
    assert after["role"] == {"publicId": world.a.roles["Viewer"]}
    assert "companyId" not in after and "id" not in after


async def test_secrets_and_hashes_never_reach_the_log(
    api: Api, world: World, session: AsyncSession
) -> None:
    robot = await api.post("/users/service-account", json=[{"name": "Robot"}])
    token = robot.json()["data"][0]["token"]
    person = await world.member(world.a, "Viewer")
    await api.post(
        "/users/me/password",
        token=person.token,
        company=None,
        branding="portal.ixon.cloud",
        json={
            "oldPassword": person.password,
            "newPassword": "a fresh passphrase",
            "deleteAccessTokens": False,
        },
    )
    text = json.dumps([[e.before, e.after] for e in await session.scalars(select(AuditEvent))])
    for word in ("passwordHash", "secretHash", "tokenHash", "secretEncrypted", "argon2", token):
        assert word not in text
    # A password change is told, without any form of the password.
    changed = await _log(
        api, 'eq(target,"User")', 'eq(action,"UPDATE")', f'eq(topic.user,"{person.id}")'
    )
    assert changed[0]["after"] == {"publicId": person.id, "password": "(hidden)"}


async def test_filters_on_time_action_target_and_actor(api: Api, world: World) -> None:
    viewer = await world.member(world.a, "Viewer")
    await _role(api, "Filtered")
    by_admin = await _log(api, f'eq(actor,"{world.a.admin.id}")')
    assert by_admin and all(
        e["actor"]["resource"]["publicId"] == world.a.admin.id for e in by_admin
    )
    assert await _log(api, f'eq(actor.resource.publicId,"{viewer.id}")') == []
    deletes = await _log(api, 'eq(action,"delete")')
    assert all(e["action"] == "DELETE" for e in deletes)
    roles = await _log(api, 'in(target,"Role","Group")', 'eq(action,"CREATE")')
    assert roles and {e["target"] for e in roles} <= {"Role", "Group"}
    newest = roles[0]["time"]
    assert await _log(api, f'gt(time,"{newest}")', 'eq(target,"Role")') == []
    assert await _log(api, f'gte(time,"{newest}")', 'contains(actor.resource.name,"admin")')
    bad = await api.get("/audit-logs", params={"filters": 'eq(secret,"x")'})
    assert bad.status_code == 400 and errors(bad)[0]["propertyName"] == "filters"


async def test_keyset_paging_newest_first_without_gaps(api: Api, world: World) -> None:
    for n in range(5):
        await _role(api, f"Paged {n}")
    seen: list[str] = []
    after: str | None = None
    while True:
        params = {"page-size": "2", "filters": 'eq(target,"Role")'}
        if after:
            params["page-after"] = after
        page = (await api.get("/audit-logs", params=params)).json()
        seen += [e["publicId"] for e in page["data"]]
        after = page["moreAfter"]
        if after is None:
            break
    names = [
        e["after"]["name"] for e in await _log(api, 'eq(target,"Role")', **{"page-size": "100"})
    ]
    assert len(seen) == len(set(seen)) == len(names)
    assert names[:5] == [f"Paged {n}" for n in range(4, -1, -1)]
    unknown = await api.get("/audit-logs", params={"page-after": "x" * 24})
    assert unknown.status_code == 400 and errors(unknown)[0]["propertyName"] == "page-after"


async def test_a_company_sees_only_its_own_log(api: Api, world: World) -> None:
    await _role(api, "Only in A")
    b_events = await _log(api, as_company=world.b)
    assert b_events and all(e["topic"]["company"] == world.b.id for e in b_events)
    a_newest = (await _log(api))[0]["publicId"]
    # Company A's cursor matches nothing in company B's log.
    crossed = await api.get(
        "/audit-logs", params={"page-after": str(a_newest)}, token=world.b.admin.token,
        company=world.b.id,
    )  # fmt: skip
    assert crossed.status_code == 400
    other = await api.get("/audit-logs", token=world.b.admin.token, company=world.a.id)
    assert other.status_code == 404
    exported = await api.get("/audit-logs-export", token=world.b.admin.token, company=world.b.id)
    assert world.a.id not in exported.json()["data"]["content"]


async def test_reading_the_log_needs_view_audit_logs(api: Api, world: World) -> None:
    viewer = await world.member(world.a, "Viewer")
    assert (await api.get("/audit-logs", token=viewer.token)).status_code == 403
    assert (await api.get("/audit-logs-export", token=viewer.token)).status_code == 403


async def test_a_refused_request_records_nothing(
    api: Api, world: World, session: AsyncSession
) -> None:
    count = select(func.count()).select_from(AuditEvent)
    before = await session.scalar(count)
    refused = await api.post("/roles", json=[{"name": "Fine"}, {"name": ""}])
    assert refused.status_code == 400
    duplicate = await api.post("/roles", json=[{"name": "Twice"}, {"name": "Twice"}])
    assert duplicate.status_code in (400, 409)
    assert await session.scalar(count) == before


async def test_the_export_is_csv_a_spreadsheet_cannot_run(api: Api, world: World) -> None:
    await _role(api, '=HYPERLINK("http://evil")')
    response = await api.get("/audit-logs-export", params={"filters": 'eq(target,"Role")'})
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["contentType"] == "text/csv" and data["fileName"].endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(data["content"])))
    assert len(rows) == data["rowCount"] >= 1 and data["truncated"] is False
    assert {r["target"] for r in rows} == {"Role"} and rows[0]["company"] == world.a.id
    assert all(not cell.startswith("=") for r in rows for cell in r.values())


async def test_a_page_write_is_recorded_as_the_person_following_the_link(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    invite_id = await invite(api, "page.joiner@example.com", "Viewer")
    secret = await link_of(world.sessionmaker, invite_id)
    page = await client.get(f"/portal/invites/{secret}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    password = "a good long password"
    fields = {"csrf_token": token.group(1), "name": "Page Joiner",
              "password": password, "password_repeat": password}  # fmt: skip
    accepted = await client.post(f"/portal/invites/{secret}/accept", data=fields)
    assert accepted.status_code == 200, accepted.text
    joined = (await _log(api, 'eq(target,"UserMembership")', 'eq(action,"UPDATE")'))[0]
    assert joined["actor"]["resource"]["name"] == "Page Joiner"
    assert joined["after"]["user"] == {"publicId": joined["topic"]["user"]}
    assert joined["before"]["invite"] == {"publicId": invite_id}
