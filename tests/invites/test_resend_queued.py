"""A resend of an invite whose first e-mail is still queued replaces that e-mail: the invitee
never gets the dead link first."""

from __future__ import annotations

import httpx

from app.config import Settings
from tests.helpers import Api, World
from tests.invites.support import (
    BRANDING,
    LINK_RE,
    as_link,
    deliver,
    invite,
    invite_row,
    outbox_rows,
)


async def test_a_resend_before_the_first_e_mail_left_sends_only_the_live_link(
    api: Api, world: World, client: httpx.AsyncClient, settings: Settings
) -> None:
    invite_id = await invite(api, "impatient@example.com")
    for _ in range(2):  # the admin clicks "resend" twice before the worker has run
        resent = await api.post(f"/invites/{invite_id}/resend", branding=BRANDING)
        assert resent.status_code == 201
    statuses = [row.status for row in await outbox_rows(world.sessionmaker, f"invite:{invite_id}")]
    assert statuses == ["cancelled", "cancelled", "queued"]
    sent = await deliver(world.sessionmaker, settings)
    (mail,) = sent.to("impatient@example.com")
    found = LINK_RE.search(mail.text)
    assert found is not None
    assert (await as_link(client, world, "GET", "/invites/me", found.group(1))).status_code == 200
    assert (await invite_row(world.sessionmaker, invite_id)).sent_count == 3
    shown = await api.get(f"/invites/{invite_id}", params={"fields": "deliveryState"})
    assert shown.json()["data"]["deliveryState"] == "sent"


async def test_a_resend_after_the_first_e_mail_left_sends_a_second_one(
    api: Api, world: World, settings: Settings
) -> None:
    invite_id = await invite(api, "patient@example.com")
    first = await deliver(world.sessionmaker, settings)
    assert len(first.to("patient@example.com")) == 1
    assert (await api.post(f"/invites/{invite_id}/resend", branding=BRANDING)).status_code == 201
    second = await deliver(world.sessionmaker, settings)
    assert len(second.to("patient@example.com")) == 1
    statuses = [row.status for row in await outbox_rows(world.sessionmaker, f"invite:{invite_id}")]
    assert statuses == ["sent", "sent"]
