"""The page the confirmation e-mail opens at the new address."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.users import service as user_service
from tests.email_changes.test_email_changes import link_for
from tests.helpers import Api, World
from tests.registrations.support import csrf_of, heading, mails


async def test_the_page_shows_both_addresses_and_changes_nothing(
    api: Api, client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    person = await world.person("Mover")
    secret = await link_for(api, session, person, "moved@example.com")
    shown = await client.get(f"/portal/email-address-changes/{secret}")
    assert shown.status_code == 200 and heading(shown) == "Confirm your new e-mail address"
    assert person.email in shown.text and "moved@example.com" in shown.text
    assert ">Confirm</button>" in shown.text
    assert await user_service.by_email(session, "moved@example.com") is None


async def test_confirming_needs_the_csrf_token(
    api: Api, client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    person = await world.person("Mover")
    secret = await link_for(api, session, person, "moved@example.com")
    url = f"/portal/email-address-changes/{secret}/finish"
    refused = await client.post(url)
    assert refused.status_code == 403
    assert f'href="/portal/email-address-changes/{secret}"' in refused.text
    assert await user_service.by_email(session, "moved@example.com") is None

    token = csrf_of(await client.get(f"/portal/email-address-changes/{secret}"))
    done = await client.post(url, data={"csrf_token": token})
    assert done.status_code == 200 and heading(done) == "Your e-mail address has been changed"
    assert "moved@example.com" in done.text
    assert await user_service.by_email(session, "moved@example.com") is not None
    assert len(await mails(session, kind="email_change_notice")) == 1
    again = await client.post(url, data={"csrf_token": token})
    assert again.status_code == 410 and "ask for the change again" in again.text


async def test_a_taken_address_gets_a_409_page(
    api: Api, client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    person = await world.person("Slow")
    other = await world.person("Fast")
    secret = await link_for(api, session, person, "contested@example.com")
    token = csrf_of(await client.get(f"/portal/email-address-changes/{secret}"))
    other_secret = await link_for(api, session, other, "contested@example.com")
    finished = await api.post("/email-address-changes/me/finish", token=other_secret, company=None)
    assert finished.status_code == 201
    conflict = await client.post(
        f"/portal/email-address-changes/{secret}/finish", data={"csrf_token": token}
    )
    assert conflict.status_code == 409
    assert heading(conflict) == "This e-mail address is already in use"
    taken = await user_service.by_email(session, "contested@example.com")
    assert taken is not None and taken.id == other.user.id


async def test_an_unknown_link_gets_a_404_page(client: httpx.AsyncClient) -> None:
    unknown = await client.get("/portal/email-address-changes/unknown")
    assert unknown.status_code == 404 and heading(unknown) == "This link is not valid"
    assert "<form" not in unknown.text
