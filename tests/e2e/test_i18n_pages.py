"""In Chromium: declining asks first (with JavaScript off), a page follows the browser's
language, and the API docs load nothing from another host."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Request, expect

from tests.e2e.conftest import (
    Api,
    LiveServer,
    NewContext,
    screenshot,
    unique_address,
    visit,
)

pytestmark = pytest.mark.e2e


async def test_declining_an_invitation_asks_first_without_javascript(
    live: LiveServer, api: Api, new_context: NewContext
) -> None:
    address = unique_address("decline")
    invite_id = await api.invite(live.acme, address)
    mail = await live.mailbox.receive(address, "invites")
    page = await (await new_context(java_script_enabled=False)).new_page()
    await visit(page, mail.link)
    await page.get_by_role("link", name="Decline invitation").click()
    heading = page.get_by_role("heading", level=1)
    await expect(heading).to_have_text(f"Decline the invitation to {live.acme.company_name}?")
    assert await api.invite_status(live.acme, invite_id) == "pending"  # asking changed nothing
    await screenshot(live, page, "invite-decline-confirm")
    await page.get_by_role("link", name="No, go back").click()
    await expect(heading).to_have_text(f"You're invited to join {live.acme.company_name}")
    await page.get_by_role("link", name="Decline invitation").click()
    await page.get_by_role("button", name="Yes, decline the invitation").click()
    await expect(heading).to_have_text("You declined this invitation")
    assert await api.invite_status(live.acme, invite_id) == "declined"


async def test_a_page_speaks_the_browsers_language(live: LiveServer, browser: Browser) -> None:
    context = await browser.new_context(locale="de-DE")  # Accept-Language: de-DE,de;q=0.9
    try:
        page = await context.new_page()
        await visit(page, f"{live.url}/portal/")
        heading = page.get_by_role("heading", level=1)
        await expect(heading).to_have_text("Bei IXON Cloud anmelden")
        await expect(page.locator("html")).to_have_attribute("lang", "de")
        await expect(page.get_by_label("E-Mail-Adresse", exact=True)).to_be_visible()
        await screenshot(live, page, "portal-home-de")
    finally:
        await context.close()


@pytest.mark.parametrize(("path", "shown"), [("/docs", ".opblock"), ("/redoc", "h1")])
async def test_the_api_docs_load_nothing_from_another_host(
    live: LiveServer, new_context: NewContext, path: str, shown: str
) -> None:
    page = await (await new_context()).new_page()
    answered: list[str] = []
    blocked: dict[str, str] = {}

    def failed(request: Request) -> None:
        blocked[request.url] = request.failure or ""

    page.on("response", lambda response: answered.append(response.url))
    page.on("requestfailed", failed)
    await visit(page, f"{live.url}{path}")
    await expect(page.locator(shown).first).to_be_visible()
    own = urlsplit(live.url).netloc
    assert [url for url in answered if urlsplit(url).netloc not in (own, "")] == []
    # What the bundles would fetch from their vendors (ReDoc's footer logo) the page's
    # Content-Security-Policy stops inside the browser: it never goes out.
    outside = {url: why for url, why in blocked.items() if urlsplit(url).netloc != own}
    assert all("csp" in why.lower() for why in outside.values()), outside  # net::ERR_BLOCKED_BY_CSP
    assert any(url.endswith("/openapi.json") for url in answered)
