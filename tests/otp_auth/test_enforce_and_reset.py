"""`enforce2fa` on a role, what `/users/me` and `/users` say about it, and the
administrator's reset of a member's second factor (the seed's "Reset Two Factor")."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.otp_auth.qr import qr_svg
from app.otp_auth.totp import provisioning_uri
from tests.helpers import Api, CompanyInfo, Person, World, basic, errors
from tests.otp_auth.support import BRANDING, code, turn_on
from tests.registrations.support import mails


async def _strict_role(api: Api, company: CompanyInfo) -> str:
    response = await api.post(
        "/roles",
        json=[{"name": "Strict", "enforce2fa": True, "permissions": [{"publicId": "VIEW_USERS"}]}],
        token=company.admin.token,
        company=company.id,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["data"][0]["publicId"])


async def _grant(api: Api, company: CompanyInfo, person: Person, role: str) -> None:
    body = [
        {
            "user": {"publicId": person.id},
            "group": {"publicId": company.group_id},
            "role": {"publicId": role},
        }
    ]
    response = await api.post(
        "/users/memberships", json=body, token=company.admin.token, company=company.id
    )
    assert response.status_code == 201, response.text


async def test_a_role_that_enforces_2fa_locks_the_company_until_it_is_on(
    api: Api, world: World
) -> None:
    a = world.a
    member = await world.member(a, "User", name="Strict Member")
    await _grant(api, a, member, await _strict_role(api, a))
    refused = await api.get("/roles", token=member.token)
    assert refused.status_code == 403
    assert "Two Factor Authentication required" in errors(refused)[0]["message"]
    me = await api.get("/users/me", token=member.token, company=None, params={"fields": "otpAuth"})
    assert me.json()["data"]["otpAuth"]["required"] is True
    # Company B knows no such rule: the member's own account elsewhere is not locked.
    listed = await api.get(
        "/users", params={"fields": "publicId,otpauthRequired"}, token=a.admin.token
    )
    flags = {u["publicId"]: u["otpauthRequired"] for u in listed.json()["data"]}
    assert flags[member.id] is True and flags[a.admin.id] is False
    await turn_on(api, member)
    allowed = await api.get("/roles", token=member.token)
    assert allowed.status_code == 200, allowed.text
    assert (await api.get("/users", token=member.token)).status_code == 200


async def test_without_enforcement_nothing_is_required(api: Api, world: World) -> None:
    member = await world.member(world.a, "Viewer")
    me = await api.get("/users/me", token=member.token, company=None, params={"fields": "otpAuth"})
    assert me.json()["data"]["otpAuth"]["required"] is False
    assert (await api.get("/roles", token=member.token)).status_code == 200


async def test_an_administrator_resets_a_members_second_factor(
    api: Api, world: World, session: AsyncSession
) -> None:
    a = world.a
    member = await world.member(a, "Viewer", name="Lost Phone")
    await turn_on(api, member)
    login = {"expiresIn": 60}
    needs_code = await api.post(
        "/access-tokens",
        token=None,
        company=None,
        json=login,
        headers={"Authorization": basic(member.email, member.password)},
    )
    assert needs_code.status_code == 401
    # Another company's administrator does not know this user.
    other = await api.delete(
        f"/users/{member.id}/otp-auth", token=world.b.admin.token, company=world.b.id
    )
    assert other.status_code == 404
    # A viewer may not reset anyone.
    viewer = await world.member(a, "Viewer")
    refused = await api.delete(f"/users/{member.id}/otp-auth", token=viewer.token)
    assert refused.status_code == 403
    done = await api.delete(f"/users/{member.id}/otp-auth", token=a.admin.token, branding=BRANDING)
    assert done.status_code == 200, done.text
    back = await api.post(
        "/access-tokens",
        token=None,
        company=None,
        json=login,
        headers={"Authorization": basic(member.email, member.password)},
    )
    assert back.status_code == 201, back.text
    notice = await mails(session, kind="otp_reset", recipient=member.email)
    assert len(notice) == 1 and "Company A" in notice[0].text and "A Admin" in notice[0].text
    event = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.target == "OtpAuth",
            AuditEvent.action == "DELETE",
            AuditEvent.company == a.id,
        )
    )
    assert event is not None and event.topic_user == member.id and event.actor_id == a.admin.id
    assert event.before is not None and "secretEncrypted" not in event.before
    # Nothing left to reset: still fine, and no second notice.
    again = await api.delete(f"/users/{member.id}/otp-auth", token=a.admin.token)
    assert again.status_code == 200
    assert len(await mails(session, kind="otp_reset", recipient=member.email)) == 1


async def test_a_service_account_is_not_locked_out_by_enforcement(api: Api, world: World) -> None:
    a = world.a
    created = await api.post("/users/service-account", json=[{"name": "Robot"}])
    robot = created.json()["data"][0]
    strict = await _strict_role(api, a)
    body = [
        {
            "user": {"publicId": robot["publicId"]},
            "group": {"publicId": a.group_id},
            "role": {"publicId": strict},
        }
    ]
    assert (await api.post("/users/memberships", json=body)).status_code == 201
    response = await api.get(
        "/roles", token=robot["token"], application=robot["apiApplication"]["publicId"]
    )
    assert response.status_code == 200, response.text


def test_the_qr_code_is_an_svg_of_the_otpauth_uri() -> None:
    svg = qr_svg("JBSWY3DPEHPK3PXP", "ada@example.com", "IXON Cloud")
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag.endswith("svg") and not svg.startswith("<?xml")
    assert float(root.attrib["width"]) > 50
    uri = provisioning_uri("JBSWY3DPEHPK3PXP", "ada@example.com", "IXON Cloud")
    assert re.match(r"otpauth://totp/IXON%20Cloud:ada%40example.com\?secret=JBSWY3DPEHPK3PXP", uri)
    assert "issuer=IXON%20Cloud" in uri
    assert code("JBSWY3DPEHPK3PXP").isdigit()
