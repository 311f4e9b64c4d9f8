"""The company's side after sending: listing, reading, revoking and resending invites."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from sqlalchemy import update

from app.config import Settings
from app.mail.models import OutboxMessage
from tests.helpers import Api, World, error_props, errors
from tests.invites.support import (
    BRANDING,
    as_link,
    deliver,
    expire,
    invite,
    invite_row,
    link_of,
    memberships_of_invite,
    outbox_rows,
)


def _when(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


async def test_the_list_shows_pending_invites_with_status_and_delivery(
    api: Api, world: World, settings: Settings
) -> None:
    first = await invite(api, "one@example.com")
    second = await invite(api, "two@example.com")
    await invite(api, "elsewhere@example.com", company=world.b)
    response = await api.get("/invites")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "Invite" and body["moreAfter"] is None
    assert [i["publicId"] for i in body["data"]] == [first, second]
    assert body["data"][0] == {
        "publicId": first,
        "emailAddress": "one@example.com",
        "expiresOn": body["data"][0]["expiresOn"],
        "status": "pending",
        "deliveryState": "queued",
    }
    await deliver(world.sessionmaker, settings)
    states = await api.get("/invites", params={"fields": "publicId,deliveryState"})
    assert {i["deliveryState"] for i in states.json()["data"]} == {"sent"}


async def test_fields_filters_and_paging(api: Api, world: World) -> None:
    ids = [await invite(api, f"p{n}@example.com") for n in range(3)]
    await api.delete(f"/invites/{ids[2]}")
    page = await api.get("/invites", params={"page-size": "1"})
    assert [i["publicId"] for i in page.json()["data"]] == ids[:1]
    after = page.json()["moreAfter"]
    rest = await api.get("/invites", params={"page-size": "1", "page-after": after})
    assert [i["publicId"] for i in rest.json()["data"]] == ids[1:2]
    assert rest.json()["moreAfter"] is None  # the revoked one is not listed by default
    revoked = await api.get("/invites", params={"filters": 'eq(status,"revoked")'})
    assert [i["publicId"] for i in revoked.json()["data"]] == ids[2:]
    by_address = await api.get("/invites", params={"filters": 'eq(emailAddress,"P1@EXAMPLE.COM")'})
    assert [i["publicId"] for i in by_address.json()["data"]] == ids[1:2]
    everything = await api.get("/invites", params={"fields": "*"})
    assert set(everything.json()["data"][0]) == {
        "publicId", "emailAddress", "expiresOn", "memberships", "status", "deliveryState"
    }  # fmt: skip
    bad = await api.get("/invites", params={"fields": "nope"})
    assert bad.status_code == 400 and error_props(bad) == {"fields"}


async def test_an_expired_invite_reads_expired_and_stays_listed(api: Api, world: World) -> None:
    invite_id = await invite(api, "late@example.com")
    await expire(world.sessionmaker, invite_id)
    listed = await api.get("/invites", params={"filters": 'eq(status,"expired")'})
    assert [i["publicId"] for i in listed.json()["data"]] == [invite_id]
    assert [i["status"] for i in (await api.get("/invites")).json()["data"]] == ["expired"]
    pending = await api.get("/invites", params={"filters": 'eq(status,"pending")'})
    assert pending.json()["data"] == []


async def test_viewers_read_invites_and_plain_users_do_not(api: Api, world: World) -> None:
    invite_id = await invite(api, "read@example.com")
    viewer = await world.member(world.a, "Viewer")
    user = await world.member(world.a, "User")
    assert (await api.get("/invites", token=viewer.token)).status_code == 200
    assert (await api.get(f"/invites/{invite_id}", token=viewer.token)).status_code == 200
    assert (await api.get("/invites", token=user.token)).status_code == 403
    assert (await api.delete(f"/invites/{invite_id}", token=viewer.token)).status_code == 403
    resend = await api.post(f"/invites/{invite_id}/resend", token=viewer.token, branding=BRANDING)
    assert resend.status_code == 403


async def test_another_companys_invites_are_not_found_and_stay_untouched(
    api: Api, world: World
) -> None:
    theirs = await invite(api, "theirs@example.com", company=world.b)
    for response in (
        await api.get(f"/invites/{theirs}"),
        await api.delete(f"/invites/{theirs}"),
        await api.post(f"/invites/{theirs}/resend", branding=BRANDING),
    ):
        assert response.status_code == 404, response.text
    bulk = await api.delete("/invites", json=[{"publicId": theirs}])
    assert bulk.status_code == 404 and errors(bulk)[0]["listIndex"] == 0
    row = await invite_row(world.sessionmaker, theirs)
    assert row.status == "pending" and row.sent_count == 1
    assert (await api.get("/invites")).json()["data"] == []


async def test_revoking_withdraws_the_link_and_the_pending_memberships(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    invite_id = await invite(api, "gone@example.com")
    secret = await link_of(world.sessionmaker, invite_id)
    response = await api.delete(f"/invites/{invite_id}")
    assert response.status_code == 200 and response.json()["data"] is None
    assert (await invite_row(world.sessionmaker, invite_id)).status == "revoked"
    assert await memberships_of_invite(world.sessionmaker, invite_id) == []
    shown = await api.get(f"/invites/{invite_id}", params={"fields": "status,memberships"})
    assert shown.json()["data"] == {"publicId": invite_id, "memberships": [], "status": "revoked"}
    assert (await as_link(client, world, "GET", "/invites/me", secret)).status_code == 410
    again = await api.delete(f"/invites/{invite_id}")
    assert again.status_code == 409 and errors(again)[0]["listIndex"] is None
    # The address may be invited afresh.
    await invite(api, "gone@example.com")


async def test_bulk_revoking_is_all_or_nothing(api: Api, world: World) -> None:
    open_ = await invite(api, "open@example.com")
    done = await invite(api, "done@example.com")
    await api.delete(f"/invites/{done}")
    response = await api.delete(
        "/invites", json=[{"publicId": open_}, {"publicId": done}, {"publicId": "AAAAAAAAAAAA"}]
    )
    assert response.status_code == 409
    assert {(e["listIndex"], e["propertyName"]) for e in errors(response)} == {
        (1, "publicId"),
        (2, "publicId"),
    }
    assert (await invite_row(world.sessionmaker, open_)).status == "pending"
    response = await api.delete("/invites", json={"publicId": open_})
    assert response.status_code == 200
    assert (await invite_row(world.sessionmaker, open_)).status == "revoked"


async def test_resending_extends_the_expiry_and_replaces_the_link(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    invite_id = await invite(api, "resend@example.com")
    old_secret = await link_of(world.sessionmaker, invite_id)
    await expire(world.sessionmaker, invite_id)
    response = await api.post(f"/invites/{invite_id}/resend", branding=BRANDING)
    assert response.status_code == 201 and response.json()["data"] is None
    row = await invite_row(world.sessionmaker, invite_id)
    assert row.sent_count == 2 and row.status == "pending"
    shown = (await api.get(f"/invites/{invite_id}", params={"fields": "expiresOn,status"})).json()
    assert shown["data"]["status"] == "pending"
    assert (_when(shown["data"]["expiresOn"]) - datetime.now(UTC)).days >= 6
    rows = await outbox_rows(world.sessionmaker, f"invite:{invite_id}")
    assert len(rows) == 2
    new_secret = await link_of(world.sessionmaker, invite_id)
    assert new_secret != old_secret
    assert (await as_link(client, world, "GET", "/invites/me", old_secret)).status_code == 410
    assert (await as_link(client, world, "GET", "/invites/me", new_secret)).status_code == 200


async def test_resend_needs_api_branding_and_an_open_invite(api: Api, world: World) -> None:
    invite_id = await invite(api, "again@example.com")
    missing = await api.post(f"/invites/{invite_id}/resend")
    assert missing.status_code == 400 and error_props(missing) == {"Api-Branding"}
    other = await invite(api, "revoked@example.com")
    await api.delete(f"/invites/{other}")
    response = await api.post(
        "/invites/resend",
        json=[{"publicId": invite_id}, {"publicId": other}],
        branding=BRANDING,
    )
    assert response.status_code == 409
    assert [(e["listIndex"], e["propertyName"]) for e in errors(response)] == [(1, "publicId")]
    assert (await invite_row(world.sessionmaker, invite_id)).sent_count == 1
    single = await api.post(f"/invites/{other}/resend", branding=BRANDING)
    assert single.status_code == 409 and errors(single)[0]["listIndex"] is None
    bulk = await api.post("/invites/resend", json={"publicId": invite_id}, branding=BRANDING)
    assert bulk.status_code == 201
    assert (await invite_row(world.sessionmaker, invite_id)).sent_count == 2


async def test_a_failed_delivery_reads_failed(api: Api, world: World) -> None:
    invite_id = await invite(api, "bounce@example.com")
    async with world.sessionmaker() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.reference == f"invite:{invite_id}")
            .values(status="dead", html=None, text=None)
        )
        await session.commit()
    shown = await api.get(f"/invites/{invite_id}", params={"fields": "deliveryState"})
    assert shown.json()["data"] == {"publicId": invite_id, "deliveryState": "failed"}
