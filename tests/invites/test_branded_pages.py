"""An integrator's branding on the invitation: its logo on the page and in the e-mail, the
inviter's address beside their name, and a favicon on every page."""

from __future__ import annotations

import httpx

from app.brandings import service as branding_service
from tests.helpers import Api, World
from tests.invites.support import invite, link_of, outbox_rows

LOGO = "https://cdn.acme.example/logo.png"
FAVICON = "https://cdn.acme.example/favicon.png"


async def _branding(world: World, logo: str, favicon: str) -> str:
    async with world.sessionmaker() as session:
        row = await branding_service.create(
            session,
            fqdn="portal.acme.example",
            name="Acme Portal",
            portal_url="https://portal.acme.example/",
            logo=logo,
        )
        row.favicon = favicon  # IXON's Branding field; the CLI does not set it
        await session.commit()
    return "portal.acme.example"


async def test_the_brandings_logo_is_on_the_invitation_and_its_page(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    fqdn = await _branding(world, logo=LOGO, favicon=FAVICON)
    response = await api.post(
        "/invites",
        json=[
            {
                "groupRoles": [
                    {"group": {"publicId": world.a.group_id},
                     "role": {"publicId": world.a.roles["Viewer"]}}
                ],
                "emailAddress": "logo@example.com",
            }
        ],
        branding=fqdn,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    invite_id = response.json()["data"]["invites"][0]["publicId"]
    [mail] = await outbox_rows(world.sessionmaker, f"invite:{invite_id}")
    assert f'<img src="{LOGO}" alt="Acme Portal"' in mail.html
    assert "Company A Admin (admin.a@example.com) has invited you" in mail.text
    page = await client.get(f"/portal/invites/{await link_of(world.sessionmaker, invite_id)}")
    assert f'<img src="{LOGO}" alt="Acme Portal" class="logo">' in page.text
    assert f'<link rel="icon" href="{FAVICON}">' in page.text


async def test_without_a_favicon_of_its_own_a_page_has_ours(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    invite_id = await invite(api, "plain@example.com")
    page = await client.get(f"/portal/invites/{await link_of(world.sessionmaker, invite_id)}")
    assert '<link rel="icon" href="/favicon.ico">' in page.text
    assert '<span class="product">IXON Cloud</span>' in page.text  # no logo: the name
    icon = await client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/png"
