"""Where the e-mail link pages and the account portal meet: who is signed in, and where
"Go to {product}" leads."""

from __future__ import annotations

import pytest

from app.brandings import service as branding_service
from app.config import Settings
from app.core.errors import BadRequest
from tests.helpers import Api, World
from tests.invites.support import invite, item, link_of
from tests.portal.browser import Browser, text
from tests.portal.conftest import SignIn


async def test_an_invite_for_someone_else_asks_the_signed_in_person_to_sign_out(
    api: Api, world: World, signed_in: SignIn
) -> None:
    browser = await signed_in(world.b.admin)
    secret = await link_of(world.sessionmaker, await invite(api, "someone.new@example.com"))
    page = await browser.get(f"/portal/invites/{secret}")
    assert (
        f"You are signed in as {world.b.admin.email}, but this invitation is for "
        "someone.new@example.com." in text(page.text)
    )
    assert "Create account and join" not in page.text
    out = await browser.submit(page, "/portal/sign-out", invite=secret)
    assert out.status_code == 303 and out.headers["location"] == f"/portal/invites/{secret}"
    # The portal session has ended with it, on the server too.
    assert (await browser.get("/portal/account/companies")).status_code == 303
    page = await browser.get(f"/portal/invites/{secret}")
    assert "Create account and join" in page.text


async def test_go_to_leads_to_the_portal_or_to_the_integrators_own(
    api: Api, world: World, settings: Settings
) -> None:
    async with world.sessionmaker() as session:
        plain = await branding_service.create(
            session, fqdn="cloud.acme.example", name="Acme Cloud",
            portal_url="https://cloud.acme.example/",
        )  # fmt: skip
        own = await branding_service.create(
            session, fqdn="portal.integrator.example", name="Integrator",
            portal_url="https://api.integrator.example",
            home_url="https://portal.integrator.example/machines",
        )  # fmt: skip
        await session.commit()
    assert branding_service.BrandingView("cloud.acme.example", plain).home_url(settings) == (
        "https://cloud.acme.example/portal/"
    )
    assert branding_service.BrandingView("x", own).home_url(settings) == (
        "https://portal.integrator.example/machines"
    )
    response = await api.post(
        "/invites",
        json=[item(world.a, "int@example.com")],
        branding="portal.integrator.example",
    )
    secret = await link_of(world.sessionmaker, response.json()["data"]["invites"][0]["publicId"])
    browser = Browser(api.client)
    page = await browser.get(f"/portal/invites/{secret}")
    joined = await browser.submit(
        page, f"/portal/invites/{secret}/accept",
        name="Ina Integrated", password="long enough", password_repeat="long enough",
    )  # fmt: skip
    assert 'href="https://portal.integrator.example/machines">Go to Integrator</a>' in joined.text


async def test_a_brandings_home_url_must_be_a_url(world: World) -> None:
    async with world.sessionmaker() as session:
        with pytest.raises(BadRequest, match="The home URL"):
            await branding_service.create(
                session, fqdn="bad.example", name="Bad", portal_url="https://bad.example",
                home_url="javascript:alert(1)",
            )  # fmt: skip
