"""`/portal/`: where a person lands after joining, and asks for a new password."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select

from app.mail.models import OutboxMessage
from tests.helpers import World


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


async def _reset_mails(world: World) -> list[OutboxMessage]:
    async with world.sessionmaker() as session:
        stmt = select(OutboxMessage).where(OutboxMessage.kind == "password_reset")
        return list((await session.scalars(stmt)).all())


async def test_the_home_page_explains_sign_in_and_offers_a_reset(
    client: httpx.AsyncClient, world: World
) -> None:
    page = await client.get("/portal/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "Forgot your password?" in page.text and 'for="email"' in page.text
    token = _csrf(page.text)
    sent = await client.post(
        "/portal/forgot-password", data={"csrf_token": token, "email": world.a.admin.email.upper()}
    )
    assert sent.status_code == 200 and "Check your e-mail" in sent.text
    assert [m.recipient for m in await _reset_mails(world)] == [world.a.admin.email]


async def test_an_unknown_address_gets_the_same_page_and_no_mail(
    client: httpx.AsyncClient, world: World
) -> None:
    token = _csrf((await client.get("/portal/")).text)
    sent = await client.post(
        "/portal/forgot-password", data={"csrf_token": token, "email": "nobody@example.com"}
    )
    assert sent.status_code == 200 and "Check your e-mail" in sent.text
    assert await _reset_mails(world) == []


async def test_the_form_needs_its_csrf_token_and_a_valid_address(
    client: httpx.AsyncClient, world: World
) -> None:
    forged = await client.post(
        "/portal/forgot-password", data={"csrf_token": "forged", "email": world.a.admin.email}
    )
    assert forged.status_code == 400 and await _reset_mails(world) == []
    token = _csrf((await client.get("/portal/")).text)
    bad = await client.post("/portal/forgot-password", data={"csrf_token": token, "email": "x"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.text
