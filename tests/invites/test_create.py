"""`POST /invites`: IXON's documented call, the answer's shape, the e-mail, and every rule on
what may be invited (validation, duplicates, members, tenants, permissions, atomicity)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.core.clock import utcnow
from app.invites import service as invite_service
from app.invites.models import DECLINED, Invite
from app.invites.schemas import InviteCreate
from app.mail.models import OutboxMessage
from app.memberships.models import Membership
from app.roles.models import Role, RolePermission
from tests import ixon_schema
from tests.helpers import Api, World, error_props, errors
from tests.invites.support import (
    BRANDING,
    LINK_RE,
    deliver,
    expire,
    invite,
    invite_row,
    item,
    memberships_of_invite,
    outbox_rows,
)


async def _count(session: AsyncSession, model: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _make_role(world: World, name: str, *permissions: str) -> str:
    async with world.sessionmaker() as session:
        role = Role(
            company_id=world.a.internal_id,
            name=name,
            permissions=[RolePermission(permission=p) for p in permissions],
        )
        session.add(role)
        await session.commit()
        world.a.roles[name] = role.public_id
        return role.public_id


@pytest.mark.parametrize("prefix", ["", "/api"])
async def test_the_documented_call_as_ixon_writes_it(
    client: httpx.AsyncClient, world: World, prefix: str
) -> None:
    """developer.ixon.cloud/docs/manage-users, verbatim: a bare token, Api-Branding."""
    response = await client.post(
        f"{prefix}/invites",
        headers={
            "Api-Version": "2",
            "Api-Application": world.application_id,
            "Api-Company": world.a.id,
            "Content-Type": "application/json",
            "Api-Branding": "portal.ixon.cloud",
            "Authorization": world.a.admin.token,
        },
        content=json.dumps(
            [
                {
                    "groupRoles": [
                        {
                            "group": {"publicId": world.a.group_id},
                            "role": {"publicId": world.a.roles["Viewer"]},
                        }
                    ],
                    "emailAddress": "new.colleague@example.com",
                    "message": "Welcome aboard!",
                }
            ]
        ),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    ixon_schema.validate(f"{prefix}/invites", "POST", 201, body)
    assert body["status"] == "success" and body["type"] == "InviteResponse"
    assert set(body["data"]) == {"invites", "userMemberships"}
    [invited] = body["data"]["invites"]
    [membership] = body["data"]["userMemberships"]
    assert set(invited) == {"publicId"} and len(invited["publicId"]) == 12
    assert set(membership) == {"publicId"} and len(membership["publicId"]) == 12


async def test_one_object_gets_the_same_answer_shape(api: Api, world: World) -> None:
    response = await api.post(
        "/invites", json=item(world.a, "single@example.com"), branding=BRANDING
    )
    assert response.status_code == 201
    data = response.json()["data"]
    assert isinstance(data["invites"], list) and len(data["invites"]) == 1
    assert isinstance(data["userMemberships"], list) and len(data["userMemberships"]) == 1


async def test_each_group_role_becomes_an_invite_bound_membership_in_order(
    api: Api, world: World
) -> None:
    async with world.sessionmaker() as session:
        from app.groups.models import Group

        other = Group(company_id=world.a.internal_id, name="Line 2")
        session.add(other)
        await session.commit()
    entries = [
        {"group": {"publicId": world.a.group_id}, "role": {"publicId": world.a.roles["Viewer"]}},
        {"group": {"publicId": other.public_id}, "role": {"publicId": world.a.roles["Editor"]},
         "expiresOn": (utcnow() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")},
    ]  # fmt: skip
    body = [
        {"emailAddress": "first@example.com", "groupRoles": entries},
        {"emailAddress": "second@example.com", "groupRoles": entries[:1]},
    ]
    response = await api.post("/invites", json=body, branding=BRANDING)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    first, second = (i["publicId"] for i in data["invites"])
    ids = [m["publicId"] for m in data["userMemberships"]]
    assert len(ids) == 3

    shown = await api.get(
        f"/invites/{first}", params={"fields": "memberships(publicId,user,invite,group,role)"}
    )
    assert [m["publicId"] for m in shown.json()["data"]["memberships"]] == ids[:2]
    assert shown.json()["data"]["memberships"][1] == {
        "publicId": ids[1],
        "user": None,
        "invite": {"publicId": first},
        "group": {"publicId": other.public_id},
        "role": {"publicId": world.a.roles["Editor"]},
    }
    rows = await memberships_of_invite(world.sessionmaker, second)
    assert [(r.public_id, r.user_id) for r in rows] == [(ids[2], None)]


async def test_the_invite_is_stored_as_asked(api: Api, world: World, settings: Settings) -> None:
    invite_id = await invite(api, "Mixed.Case@Example.COM", message="  Hi  ", language="nl")
    row = await invite_row(world.sessionmaker, invite_id)
    assert row.email_address == "Mixed.Case@example.com"  # the domain is normalised
    assert row.email_normalized == "mixed.case@example.com"
    assert row.message == "Hi" and row.language == "nl" and row.status == "pending"
    assert row.inviter_id == world.a.admin.user.id and row.branding == BRANDING
    assert row.sent_count == 1 and row.last_sent_on is not None
    lifetime = row.expires_on - row.created_on
    assert abs(lifetime.total_seconds() - settings.invite_ttl) < 5


async def test_a_new_person_gets_the_create_your_account_email(
    api: Api, world: World, settings: Settings
) -> None:
    invite_id = await invite(api, "newbie@example.com", message='<script>alert("x")</script>\nBye')
    [row] = await outbox_rows(world.sessionmaker, f"invite:{invite_id}")
    assert row.kind == "invite_new_account" and row.status == "queued"
    sender = await deliver(world.sessionmaker, settings)
    [mail] = sender.to("newbie@example.com")
    assert mail.subject == "Company A Admin invited you to join Company A on IXON Cloud"
    assert "Create your account" in mail.text and "Create your account" in mail.html
    assert "<script>" not in mail.html and "&lt;script&gt;" in mail.html
    assert '<script>alert("x")</script>' in mail.text  # plain text stays plain
    match = LINK_RE.search(mail.text)
    assert match is not None and match.group(0).startswith("http://testserver/portal/invites/")
    assert match.group(0) in mail.html
    assert (await outbox_rows(world.sessionmaker, f"invite:{invite_id}"))[0].status == "sent"


async def test_someone_with_an_account_gets_the_log_in_email_and_the_inviter_cannot_tell(
    api: Api, world: World, settings: Settings
) -> None:
    person = await world.person("Known Person")
    answers = []
    for address in (person.email.upper(), "nobody.yet@example.com"):
        response = await api.post("/invites", json=[item(world.a, address)], branding=BRANDING)
        assert response.status_code == 201
        body = response.json()
        answers.append(
            (response.status_code, body["type"], sorted(body["data"]), len(body["data"]["invites"]))
        )
    assert answers[0] == answers[1]
    sender = await deliver(world.sessionmaker, settings)
    [known] = sender.to(person.email)
    [unknown] = sender.to("nobody.yet@example.com")
    assert "Log in to accept" in known.text and "Hello Known Person" in known.text
    assert "Create your account" in unknown.text


async def test_a_rolled_back_invite_sends_nothing(
    session: AsyncSession, world: World, settings: Settings, api: Api
) -> None:
    """The invite, its memberships and its e-mail are one transaction."""
    auth = await _auth_of(world, session)
    created = await invite_service.create_many(
        session,
        auth,
        settings,
        BRANDING,
        [InviteCreate.model_validate(item(world.a, "rolled@example.com"))],
    )
    assert await _count(session, OutboxMessage) == 1 and len(created.memberships) == 1
    await session.rollback()
    assert await _count(session, OutboxMessage) == 0
    assert await _count(session, Invite) == 0
    assert await _count(session, Membership) == 2  # the two administrators only


async def _auth_of(world: World, session: AsyncSession) -> Any:
    from app.auth import service as auth_service

    return await auth_service.authenticate(
        session, world.a.admin.token, world.application_id, world.a.id
    )


async def test_bad_items_are_all_reported_and_nothing_is_written(
    api: Api, world: World, session: AsyncSession
) -> None:
    body = [
        item(world.a, "fine@example.com"),
        item(world.a, "not-an-address"),
        item(world.a, "x@example.com", message="m" * 1025),
        {"emailAddress": "no.roles@example.com", "groupRoles": []},
        item(world.a, "FINE@example.com"),
    ]
    response = await api.post("/invites", json=body, branding=BRANDING)
    assert response.status_code == 400
    found = {(e["listIndex"], e["propertyName"]) for e in errors(response)}
    assert (2, "message") in found  # the schema's limit, checked before anything else
    response = await api.post("/invites", json=[b for b in body if b is not body[2]],
                              branding=BRANDING)  # fmt: skip
    assert response.status_code == 400
    found = {(e["listIndex"], e["propertyName"]) for e in errors(response)}
    assert found == {(1, "emailAddress"), (2, "groupRoles"), (3, "emailAddress")}
    twice = next(e for e in errors(response) if e["listIndex"] == 3)
    assert "more than once" in twice["message"]
    assert await _count(session, Invite) == 0 and await _count(session, OutboxMessage) == 0


async def test_a_body_without_group_roles_or_address_is_refused(api: Api, world: World) -> None:
    response = await api.post(
        "/invites", json=[{"emailAddress": "a@example.com"}, {"groupRoles": []}], branding=BRANDING
    )
    assert response.status_code == 400
    found = {(e["listIndex"], e["propertyName"]) for e in errors(response)}
    assert found == {(0, "groupRoles"), (1, "emailAddress")}


async def test_an_address_invited_already_is_409_whatever_its_case(api: Api, world: World) -> None:
    await invite(api, "twice@example.com")
    response = await api.post(
        "/invites",
        json=[item(world.a, "other@example.com"), item(world.a, "TWICE@example.com")],
        branding=BRANDING,
    )
    assert response.status_code == 409
    [error] = errors(response)
    assert error["listIndex"] == 1 and error["propertyName"] == "emailAddress"
    assert error["message"] == "TWICE@example.com has already been invited to this company"
    # Another company may invite the same address.
    await invite(api, "twice@example.com", company=world.b)


async def test_an_expired_invite_does_not_block_a_new_one(api: Api, world: World) -> None:
    old = await invite(api, "again@example.com")
    await expire(world.sessionmaker, old)
    new = await invite(api, "again@example.com")
    assert new != old
    assert (await invite_row(world.sessionmaker, old)).status == "expired"
    assert await memberships_of_invite(world.sessionmaker, old) == []
    shown = await api.get(f"/invites/{old}", params={"fields": "status"})
    assert shown.json()["data"]["status"] == "expired"


async def test_a_member_cannot_be_invited(api: Api, world: World) -> None:
    member = await world.member(world.a, "Viewer")
    response = await api.post("/invites", json=[item(world.a, member.email)], branding=BRANDING)
    assert response.status_code == 409
    [error] = errors(response)
    assert error["message"] == f"{member.email} is already a member of this company"
    assert error["propertyName"] == "emailAddress" and error["listIndex"] == 0
    # ... but a member of company A may be invited into company B (one login, many companies).
    await invite(api, member.email, company=world.b)


async def test_groups_and_roles_must_be_the_companys(api: Api, world: World) -> None:
    foreign = [
        {"group": {"publicId": world.b.group_id}, "role": {"publicId": world.a.roles["Viewer"]}},
        {"group": {"publicId": world.a.group_id}, "role": {"publicId": world.b.roles["Viewer"]}},
    ]
    response = await api.post(
        "/invites",
        json=[{"emailAddress": "x@example.com", "groupRoles": foreign}],
        branding=BRANDING,
    )
    assert response.status_code == 404
    assert {(e["listIndex"], e["propertyName"]) for e in errors(response)} == {(0, "groupRoles")}
    assert len(errors(response)) == 2


async def test_the_same_group_role_twice_and_a_past_expiry_are_refused(
    api: Api, world: World
) -> None:
    entry = {"group": {"publicId": world.a.group_id}, "role": {"publicId": world.a.roles["User"]}}
    past = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = [
        {"emailAddress": "a@example.com", "groupRoles": [entry, entry]},
        {"emailAddress": "b@example.com", "groupRoles": [{**entry, "expiresOn": past}]},
    ]
    response = await api.post("/invites", json=body, branding=BRANDING)
    assert response.status_code == 400
    assert {(e["listIndex"], e["propertyName"]) for e in errors(response)} == {
        (0, "groupRoles"),
        (1, "groupRoles"),
    }


async def test_api_branding_is_required_and_must_be_known(api: Api, world: World) -> None:
    response = await api.post("/invites", json=[item(world.a, "x@example.com")])
    assert response.status_code == 400 and error_props(response) == {"Api-Branding"}
    response = await api.post(
        "/invites", json=[item(world.a, "x@example.com")], branding="unknown.example.com"
    )
    assert response.status_code == 400 and error_props(response) == {"Api-Branding"}
    assert "unknown.example.com" in errors(response)[0]["message"]


async def test_a_viewer_cannot_invite(api: Api, world: World, session: AsyncSession) -> None:
    viewer = await world.member(world.a, "Viewer")
    response = await api.post(
        "/invites", json=[item(world.a, "x@example.com")], branding=BRANDING, token=viewer.token
    )
    assert response.status_code == 403
    assert await _count(session, Invite) == 0


async def test_only_an_administrator_invites_into_roles_beyond_their_own(
    api: Api, world: World
) -> None:
    await _make_role(world, "User manager", "MANAGE_USERS")
    manager = await world.member(world.a, "User manager")
    response = await api.post(
        "/invites",
        json=[item(world.a, "boss@example.com", "Administrator")],
        branding=BRANDING,
        token=manager.token,
    )
    assert response.status_code == 403
    [error] = errors(response)
    assert error["propertyName"] == "groupRoles" and "Administrator" in error["message"]
    await invite(api, "viewer@example.com", "Viewer", token=manager.token)
    await invite(api, "peer@example.com", "User manager", token=manager.token)


async def test_company_b_cannot_use_company_a_s_token(api: Api, world: World) -> None:
    response = await api.post(
        "/invites", json=[item(world.b, "x@example.com")], branding=BRANDING, company=world.b.id
    )
    assert response.status_code == 404 and error_props(response) == {"Api-Company"}


async def test_one_pending_invite_per_address_is_held_by_the_database(
    session: AsyncSession, world: World
) -> None:
    def row(status: str = "pending") -> Invite:
        return Invite(
            company_id=world.a.internal_id,
            email_address="race@example.com",
            email_normalized="race@example.com",
            branding=BRANDING,
            status=status,
            expires_on=utcnow() + timedelta(days=7),
        )

    session.add_all([row(DECLINED), row(DECLINED), row()])
    await session.flush()  # finished invites of the same address are fine
    session.add(row())
    with pytest.raises(IntegrityError):
        await session.flush()
    await session.rollback()
