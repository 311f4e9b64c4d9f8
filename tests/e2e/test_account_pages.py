"""Registration and password reset, from the e-mail link to logging in with the result."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import (
    Api,
    LiveServer,
    screenshot,
    unique_address,
    unlabelled_controls,
    visit,
)

pytestmark = pytest.mark.e2e


async def register(api: Api, company: str, name: str, address: str, password: str) -> None:
    response = await api.http.post(
        "/registrations",
        headers=api.headers(branding=True),
        json={"companyName": company, "name": name, "emailAddress": address, "password": password},
    )
    assert response.status_code in (200, 201), response.text


async def test_a_registration_is_completed_from_its_email(
    live: LiveServer, api: Api, page: Page
) -> None:
    address = unique_address("founder")
    password = "registered passphrase 1"
    await register(api, "Gamma Pumps", "Fay Founder", address, password)
    assert (await api.login(address, password)).status_code == 401  # not before confirming

    link = (await live.mailbox.receive(address, "registrations")).link
    await visit(page, link)
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Complete your registration")
    for shown in ("Gamma Pumps", "Fay Founder", address):
        await expect(page.get_by_role("main")).to_contain_text(shown)
    await screenshot(live, page, "registration-confirm")
    await page.get_by_role("button", name="Complete registration").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Your registration is complete"
    )
    await screenshot(live, page, "registration-complete")

    token = await api.token(address, password)
    assert "Gamma Pumps" in await api.company_names(token)


async def test_a_password_is_reset_from_its_email(live: LiveServer, api: Api, page: Page) -> None:
    address = unique_address("forgetful")
    old, new = "the old passphrase 1", "a brand new passphrase 2"
    await register(api, "Delta Valves", "Fred Forgetful", address, old)
    # The account exists (confirmed through the API: the registration page is tested above).
    secret = (await live.mailbox.receive(address, "registrations")).link.rsplit("/", 1)[1]
    finished = await api.http.post(
        "/registrations/me/finish", headers=api.headers() | {"Authorization": f"Bearer {secret}"}
    )
    assert finished.status_code == 201, finished.text
    elsewhere = await api.token(address, old)  # a session on another device

    response = await api.http.post(
        "/access-recover", headers=api.headers(branding=True), json={"emailAddress": address}
    )
    assert response.status_code in (200, 201), response.text
    link = (await live.mailbox.receive(address, "access-recover")).link
    await visit(page, link)
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Choose a new password")
    assert await unlabelled_controls(page) == []
    await page.get_by_label("New password", exact=True).fill(new)
    await page.get_by_label("Repeat new password").fill(new)
    await page.get_by_label("Sign out everywhere else").check()
    await screenshot(live, page, "password-reset")
    await page.get_by_role("button", name="Set new password").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Your password has been changed"
    )
    await screenshot(live, page, "password-reset-done")

    assert (await api.login(address, old)).status_code == 401
    await api.token(address, new)
    signed_out = await api.http.get("/users/me", headers=api.headers(elsewhere))
    assert signed_out.status_code == 401, signed_out.text
