"""Which writes are announced: written with the change, nothing for what rolled back."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from app.mail.models import OutboxMessage
from app.memberships.models import Membership
from app.webhooks import objects
from app.webhooks.models import WebhookDelivery
from tests.helpers import Api, World
from tests.invites.support import BRANDING, as_link, invite, item, link_of
from tests.otp_auth.support import turn_on
from tests.webhooks.support import endpoint, events, types


async def test_an_invite_accepted_and_its_membership_changed_and_removed(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    hook = await endpoint(api)
    person = await world.person("Invitee")
    invite_id = await invite(api, person.email, "Viewer")
    assert await types(world.sessionmaker) == ["invite.created", "invite.sent"]
    secret = await link_of(world.sessionmaker, invite_id)
    assert (await as_link(client, world, "POST", "/invites/me/finish", secret)).status_code == 201
    assert (await types(world.sessionmaker))[2:] == ["invite.accepted", "membership.created"]
    async with world.sessionmaker() as session:
        membership = await session.scalar(
            select(Membership.public_id).where(Membership.user_id == person.user.id)
        )
    path = f"/users/memberships/{membership}"
    changed = await api.patch(path, json={"expiresOn": "2999-01-01T00:00:00Z"})
    assert changed.status_code == 200, changed.text
    assert (await api.delete(path)).status_code == 200
    stored = await events(world.sessionmaker)
    assert [e.type for e in stored][4:] == [
        "membership.changed",
        "membership.removed",
        "user.removed",
    ]
    accepted = stored[2].payload
    assert accepted["type"] == "invite.accepted" and accepted["id"] == stored[2].public_id
    assert accepted["data"]["company"] == {"publicId": world.a.id}
    assert accepted["data"]["previous"]["status"] == "pending"
    # The objects as the API's GET answers them (default fields), not the audit log's rows.
    shown = await api.get(f"/invites/{invite_id}")
    assert accepted["data"]["invite"] == shown.json()["data"] | {"status": "accepted"}
    assert set(accepted["data"]["invite"]) == set(objects.FIELDS["invite"])
    created = stored[3].payload["data"]["membership"]
    assert created == {
        "publicId": membership,
        "user": {"publicId": person.id},
        "invite": None,
        "group": {"publicId": world.a.group_id},
        "role": {"publicId": world.a.roles["Viewer"]},
        "expiresOn": None,
    }
    assert stored[4].payload["data"]["membership"]["expiresOn"] == "2999-01-01T00:00:00Z"
    # Removed: gone from the database, so the audit log's values, cut to the same fields.
    assert stored[5].payload["data"]["membership"] == created | {
        "expiresOn": "2999-01-01T00:00:00Z"
    }
    assert stored[-1].payload["data"]["user"] == {
        "publicId": person.id,
        "type": "person",
        "name": "Invitee",
        "emailAddress": person.email,
    }
    flat = str([e.payload for e in stored]).lower()
    assert all(word not in flat for word in ("secret", "hash", "token", "companyid", "(hidden)"))
    async with world.sessionmaker() as session:
        deliveries = list(await session.scalars(select(WebhookDelivery)))
        queued = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "webhook"))
        )
    assert len(deliveries) == len(stored) == len(queued)
    assert {q.recipient for q in queued} == {hook["publicId"]}


async def test_declined_and_revoked(api: Api, world: World) -> None:
    await endpoint(api, events=["invite.declined", "invite.revoked"])
    person = await world.person("Declines")
    first = await invite(api, person.email)
    declined = await api.delete(f"/users/me/invites/{first}", token=person.token, company=None)
    assert declined.status_code == 200
    second = await invite(api, "someone.else@example.com")
    assert (await api.delete(f"/invites/{second}")).status_code == 200
    assert await types(world.sessionmaker) == ["invite.declined", "invite.revoked"]


async def test_two_factor_on_and_off_reaches_every_company_of_the_user(
    api: Api, world: World
) -> None:
    await endpoint(api, events=["user.two_factor_enabled", "user.two_factor_disabled"])
    await endpoint(api, world.b, events=["user.two_factor_enabled"])
    person = await world.member(world.a, "User")
    await turn_on(api, person)
    response = await api.delete(f"/users/{person.id}/otp-auth")
    assert response.status_code == 200, response.text
    stored = await events(world.sessionmaker)
    assert [e.type for e in stored] == ["user.two_factor_enabled", "user.two_factor_disabled"]
    assert stored[0].payload["data"]["user"]["publicId"] == person.id
    assert set(stored[0].payload["data"]["user"]) == set(objects.FIELDS["user"])


async def test_nothing_without_a_subscribed_enabled_endpoint(api: Api, world: World) -> None:
    await endpoint(api, world.b)  # another company's
    hook = await endpoint(api, events=["invite.accepted"])
    await invite(api, "first@example.com")
    patched = await api.patch(
        f"/webhook-endpoints/{hook['publicId']}",
        json={"events": ["invite.created"], "enabled": False},
    )
    assert patched.status_code == 200
    await invite(api, "second@example.com")
    assert await types(world.sessionmaker) == []


async def test_a_rolled_back_change_announces_nothing(api: Api, world: World) -> None:
    await endpoint(api)
    good = item(world.a, "good@example.com")
    bad = item(world.a, "bad@example.com") | {
        "groupRoles": [{"group": {"publicId": "nothere12345"}}]
    }
    response = await api.post("/invites", json=[good, bad], branding=BRANDING)
    assert response.status_code in (400, 404), response.text
    assert await types(world.sessionmaker) == []
    async with world.sessionmaker() as session:
        assert list(await session.scalars(select(OutboxMessage.id))) == []


async def test_user_removed_only_with_the_last_membership(api: Api, world: World) -> None:
    await endpoint(api, events=["membership.removed", "user.removed"])
    person = await world.member(world.a, "Viewer")
    extra = [
        {
            "user": {"publicId": person.id},
            "group": {"publicId": world.a.group_id},
            "role": {"publicId": world.a.roles["Editor"]},
        }
    ]
    assert (await api.post("/users/memberships", json=extra)).status_code == 201
    async with world.sessionmaker() as session:
        ids = list(
            await session.scalars(
                select(Membership.public_id)
                .where(Membership.user_id == person.user.id)
                .order_by(Membership.id)
            )
        )
    assert (await api.delete(f"/users/memberships/{ids[0]}")).status_code == 200
    assert await types(world.sessionmaker) == ["membership.removed"]
    assert (await api.delete(f"/users/memberships/{ids[1]}")).status_code == 200
    assert (await types(world.sessionmaker))[1:] == ["membership.removed", "user.removed"]
