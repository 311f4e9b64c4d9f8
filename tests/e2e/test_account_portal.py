"""The account portal in Chromium: what a person does after joining, an administrator's "Users"
page, and two-factor authentication. Each test checks through the API that what the pages
promise really happened.
"""

from __future__ import annotations

import pytest
from playwright.async_api import Locator, Page, expect

from tests.e2e.conftest import (
    PASSWORD,
    PHONE,
    PRODUCT,
    Api,
    LiveServer,
    NewContext,
    screenshot,
    unique_address,
    unlabelled_controls,
    visit,
)
from tests.e2e.test_invite_pages import create_account_and_join
from tests.otp_auth.support import code

pytestmark = pytest.mark.e2e


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


async def sign_in(page: Page, address: str, password: str = PASSWORD) -> None:
    await page.get_by_label("E-mail address", exact=True).fill(address)
    await page.get_by_label("Password", exact=True).fill(password)
    await page.get_by_role("button", name="Sign in").click()


async def menu(page: Page, name: str) -> None:
    await page.get_by_role("navigation").get_by_role("link", name=name).click()


async def tab_to(page: Page, target: Locator, limit: int = 40) -> None:
    """Presses Tab until ``target`` has the focus, as a keyboard user moves through a page."""
    for _ in range(limit):
        if await target.evaluate("element => element === document.activeElement"):
            return
        await page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


async def test_after_joining_a_person_signs_in_adds_a_company_and_switches(
    live_any: LiveServer, api: Api, new_context: NewContext
) -> None:
    server, acme = live_any, live_any.acme
    address = unique_address("newcomer")
    await api.invite(acme, address)
    link = (await server.mailbox.receive(address, "invites")).link
    page = await (await new_context(**PHONE)).new_page()
    await visit(page, link)
    await create_account_and_join(page, "Nina Newcomer")
    await page.get_by_role("link", name=f"Go to {PRODUCT}").click()

    await expect(heading(page)).to_have_text(f"Sign in to {PRODUCT}")
    assert await unlabelled_controls(page) == []
    await screenshot(server, page, "portal-sign-in-phone")
    await sign_in(page, address, "not my password")
    await expect(page.get_by_role("alert")).to_contain_text("password is incorrect")
    await screenshot(server, page, "portal-sign-in-failed-phone")
    await sign_in(page, address)
    await expect(heading(page)).to_have_text("My companies")
    await expect(page.get_by_text(f"Working in {acme.company_name}")).to_be_visible()
    await screenshot(server, page, "portal-companies-phone")

    await page.get_by_label("Company name").fill("Nina's Pumps")
    await page.get_by_role("button", name="Register").click()
    await expect(page.get_by_role("status")).to_contain_text("Nina's Pumps has been created")
    await expect(page.get_by_text("Working in Nina's Pumps")).to_be_visible()
    await page.get_by_role("button", name=f"Switch to {acme.company_name}").click()
    await expect(page.get_by_role("status")).to_contain_text(
        f"You are now working in {acme.company_name}"
    )
    await screenshot(server, page, "portal-switched-phone")

    await menu(page, "My profile")
    await page.get_by_label("Name", exact=True).fill("Nina N. Newcomer")
    await page.get_by_label("Language").select_option("nl")
    await page.get_by_role("button", name="Save profile").click()
    # From now on the pages speak the account's language, not the browser's (English).
    await expect(page.get_by_role("status")).to_have_text("Je profiel is opgeslagen.")
    await expect(page.locator("html")).to_have_attribute("lang", "nl")
    await screenshot(server, page, "portal-profile-phone")

    token = await api.token(address, PASSWORD)
    assert {acme.company_name, "Nina's Pumps"} <= await api.company_names(token)
    me = await api.http.get(
        "/users/me", params={"fields": "name,language"}, headers=api.headers(token)
    )
    assert (me.json()["data"]["name"], me.json()["data"]["language"]) == ("Nina N. Newcomer", "nl")

    await page.get_by_role("button", name="Uitloggen").click()
    await expect(page.get_by_role("status")).to_have_text("You have signed out.")  # the browser's
    await visit(page, f"{server.url}/portal/account/profile")
    await expect(heading(page)).to_have_text(f"Sign in to {PRODUCT}")


async def test_an_administrator_invites_withdraws_and_removes_on_the_users_page(
    live_any: LiveServer, api: Api, new_context: NewContext
) -> None:
    server, acme = live_any, live_any.acme
    page = await (await new_context()).new_page()
    await visit(page, f"{server.url}/portal/")
    await sign_in(page, acme.email, acme.password)
    await menu(page, "Users")
    await expect(heading(page)).to_have_text(f"Users of {acme.company_name}")
    assert await unlabelled_controls(page) == []

    roles, _ = await api.roles_and_company_group(acme)
    joiner, withdrawn = unique_address("joiner"), unique_address("withdrawn")
    for address in (joiner, withdrawn):
        await page.get_by_label("E-mail address").fill(address)
        await page.get_by_label("Role").select_option(roles["Viewer"])
        await page.get_by_label("Message (optional)").fill("Welcome to line 3")
        await page.get_by_role("button", name="Invite", exact=True).click()
        await expect(page.get_by_role("status")).to_have_text("The invitation has been sent.")
    await screenshot(server, page, "portal-users-invited")

    # The invitee joins from the e-mail (in a browser of their own).
    joined = await (await new_context()).new_page()
    mail = await server.mailbox.receive(joiner, "invites")
    assert "Welcome to line 3" in mail.text
    await visit(joined, mail.link)
    await create_account_and_join(joined, "Jo Joiner")
    await expect(heading(joined)).to_contain_text(f"Welcome to {acme.company_name}")

    await server.mailbox.receive(withdrawn, "invites")
    await page.get_by_role("button", name=f"Send again to {withdrawn}").click()
    await expect(page.get_by_role("status")).to_contain_text("sent again")
    await server.mailbox.receive(withdrawn, "invites")  # a second e-mail, with a new link
    await page.get_by_role("link", name=f"Withdraw the invitation of {withdrawn}").click()
    await expect(heading(page)).to_have_text(f"Withdraw the invitation of {withdrawn}?")
    await screenshot(server, page, "portal-withdraw-confirm")
    await page.get_by_role("button", name="Withdraw invitation").click()
    await expect(page.get_by_role("status")).to_contain_text("withdrawn")
    await expect(page.get_by_text(withdrawn)).to_have_count(0)

    await page.reload()
    await page.get_by_role("link", name="Remove Jo Joiner").click()
    await expect(heading(page)).to_have_text(f"Remove Jo Joiner from {acme.company_name}?")
    await page.get_by_role("button", name="Remove user").click()
    await expect(page.get_by_role("status")).to_contain_text("has been removed")
    await screenshot(server, page, "portal-users-removed")
    assert joiner not in await api.user_addresses(acme)
    revoked = {"fields": "emailAddress", "filters": 'eq(status,"revoked")'}
    statuses = await api.as_admin(acme, "GET", "/invites", params=revoked)
    assert withdrawn in {i["emailAddress"] for i in statuses.json()["data"]}


async def test_keyboard_only_the_error_summary_takes_the_focus(
    live: LiveServer, api: Api, page: Page
) -> None:
    person = await live.beta()
    await visit(page, f"{live.url}/portal/")
    await tab_to(page, page.get_by_label("E-mail address", exact=True))
    await page.keyboard.type(person.email)
    await page.keyboard.press("Tab")
    await page.keyboard.type("wrong password")
    await page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    await expect(summary).to_be_focused()
    await expect(summary).to_contain_text("password is incorrect")
    await screenshot(live, page, "portal-keyboard-error-summary")
    await tab_to(page, page.get_by_label("Password", exact=True))
    await page.keyboard.type(person.password)
    await page.keyboard.press("Enter")
    await expect(heading(page)).to_have_text("My companies")

    await tab_to(page, page.get_by_role("link", name="Password"))
    await page.keyboard.press("Enter")
    await expect(heading(page)).to_have_text("Change your password")
    await tab_to(page, page.get_by_label("Current password"))
    await page.keyboard.type(person.password)
    await tab_to(page, page.get_by_role("button", name="Change password"))
    await page.keyboard.press("Enter")
    await expect(summary).to_be_focused()
    await expect(summary).to_contain_text("Choose a new password.")
    # The summary's links lead to the fields.
    await page.keyboard.press("Tab")
    await expect(summary.get_by_role("link", name="Choose a new password.")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.get_by_label("New password", exact=True)).to_be_focused()


async def test_without_javascript_a_session_ends_with_a_password_change_elsewhere(
    live: LiveServer, api: Api, new_context: NewContext
) -> None:
    address, new_password = unique_address("twice"), "another long passphrase"
    await api.invite(live.acme, address, role="Editor")
    link = (await live.mailbox.receive(address, "invites")).link
    first = await (await new_context(java_script_enabled=False)).new_page()
    await visit(first, link)
    await create_account_and_join(first, "Tom Twice")
    second = await (await new_context(java_script_enabled=False)).new_page()
    await visit(second, f"{live.url}/portal/")
    await sign_in(second, address, "a wrong password")  # the summary takes the focus, no script
    await expect(second.locator("#error-summary")).to_be_focused()
    for page in (first, second):
        await visit(page, f"{live.url}/portal/")
        await sign_in(page, address)
        await expect(heading(page)).to_have_text("My companies")

    await menu(first, "Password")
    await first.get_by_label("Current password").fill(PASSWORD)
    await first.get_by_label("New password", exact=True).fill(new_password)
    await first.get_by_label("Repeat new password").fill(new_password)
    await expect(first.get_by_label("Sign out everywhere else")).to_be_checked()
    await first.get_by_role("button", name="Change password").click()
    await expect(first.get_by_role("status")).to_have_text("Your password has been changed.")
    await screenshot(live, first, "portal-password-changed-nojs")

    await menu(second, "My profile")  # the other browser's session has ended
    await expect(heading(second)).to_have_text(f"Sign in to {PRODUCT}")
    await expect(second.get_by_role("status")).to_contain_text("Your session has ended")
    await sign_in(second, address, new_password)
    await expect(heading(second)).to_have_text("My profile")  # back where it was going
    await menu(first, "Users")  # an Editor may see the users (VIEW_USERS), not act
    await expect(heading(first)).to_have_text(f"Users of {live.acme.company_name}")
    await expect(first.get_by_role("button", name="Invite", exact=True)).to_have_count(0)
    assert (await api.login(address, PASSWORD)).status_code == 401


async def test_a_signed_in_person_declines_and_accepts_invitations_and_changes_address(
    live: LiveServer, api: Api, page: Page
) -> None:
    acme, beta = live.acme, await live.beta()
    address, moved = unique_address("answers"), unique_address("moved")
    await api.invite(acme, address)
    await visit(page, (await live.mailbox.receive(address, "invites")).link)
    await create_account_and_join(page, "Ana Answers")
    await page.get_by_role("link", name=f"Go to {PRODUCT}").click()
    await sign_in(page, address)

    first = await api.invite(beta, address)
    await menu(page, "Invitations")
    await expect(page.get_by_role("heading", name=beta.company_name)).to_be_visible()
    await page.get_by_role("link", name=f"Decline the invitation of {beta.company_name}").click()
    await expect(heading(page)).to_have_text(f"Decline the invitation of {beta.company_name}?")
    assert await api.invite_status(beta, first) == "pending"  # opening the page declines nothing
    await page.get_by_role("button", name="Decline invitation").click()
    await expect(page.get_by_role("status")).to_have_text("You declined the invitation.")
    assert await api.invite_status(beta, first) == "declined"

    second = await api.invite(beta, address, role="Editor")
    await page.reload()
    await page.get_by_role("button", name=f"Join {beta.company_name}").click()
    await expect(page.get_by_role("status")).to_contain_text(f"You have joined {beta.company_name}")
    await expect(page.get_by_text(f"Working in {beta.company_name}")).to_be_visible()
    assert await api.invite_status(beta, second) == "accepted"
    await screenshot(live, page, "portal-invitation-joined")

    await menu(page, "My profile")
    await page.get_by_label("New e-mail address").fill(moved)
    await page.get_by_role("button", name="Change e-mail address").click()
    await expect(page.get_by_role("status")).to_contain_text("We sent a link to the new address")
    await expect(page.get_by_role("main")).to_contain_text(f"Waiting for confirmation: {moved}")
    confirm = await live.mailbox.receive(moved, "email-address-changes")
    await visit(page, confirm.link)
    await page.get_by_role("button", name="Confirm").click()
    await expect(heading(page)).to_have_text("Your e-mail address has been changed")
    await visit(page, f"{live.url}/portal/account/profile")
    await expect(page.get_by_role("main")).to_contain_text(f"You sign in with {moved}")
    await api.token(moved, PASSWORD)


async def test_a_person_turns_two_factor_on_signs_in_with_a_code_and_turns_it_off(
    live_any: LiveServer, api: Api, new_context: NewContext
) -> None:
    server, acme = live_any, live_any.acme
    address = unique_address("twofactor")
    await api.invite(acme, address)
    link = (await server.mailbox.receive(address, "invites")).link
    page = await (await new_context(**PHONE)).new_page()
    await visit(page, link)
    await create_account_and_join(page, "Tess Two")
    await page.get_by_role("link", name=f"Go to {PRODUCT}").click()
    await sign_in(page, address)
    await menu(page, "Two-factor authentication")
    await expect(heading(page)).to_have_text("Two-factor authentication")
    await page.get_by_role("button", name="Set up two-factor authentication").click()
    await expect(page.get_by_role("img", name="QR code of the key")).to_be_visible()
    assert await unlabelled_controls(page) == []
    await screenshot(server, page, "portal-two-factor-setup-phone")
    # The authenticator app: the key as the page shows it (the QR code holds the same one).
    secret = (await page.locator("#secret").inner_text()).replace(" ", "")

    # Keyboard only: a wrong code first, then the right one.
    await tab_to(page, page.get_by_label("Code from your authenticator app"))
    await page.keyboard.type("000000")
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("Name of the device")).to_be_focused()
    await page.keyboard.type("Tess's phone")
    await page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    await expect(summary).to_be_focused()
    await expect(summary).to_contain_text("The code is not right")
    await tab_to(page, page.get_by_label("Code from your authenticator app"))
    await page.keyboard.type(code(secret))
    await page.keyboard.press("Enter")  # the device name was kept
    await expect(page.get_by_role("status")).to_contain_text("Two-factor authentication is on.")
    await expect(page.get_by_role("main")).to_contain_text("on Tess's phone")
    await screenshot(server, page, "portal-two-factor-on-phone")
    assert (await api.login(address, PASSWORD)).status_code == 401  # the API wants the code too

    await page.get_by_role("button", name="Sign out").click()
    await sign_in(page, address)
    await expect(page.get_by_role("alert")).to_contain_text(
        "Two-factor authentication is on for this account"
    )
    await expect(page.get_by_label("E-mail address", exact=True)).to_have_value(address)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    # A later step's code: the one that turned it on is never accepted again.
    await page.get_by_label("Code from your authenticator app").fill(code(secret, steps=1))
    await page.get_by_role("button", name="Sign in").click()
    await expect(heading(page)).to_have_text("My companies")

    await menu(page, "Two-factor authentication")
    await page.get_by_label("Or your password").fill(PASSWORD)
    await page.get_by_role("button", name="Turn off two-factor authentication").click()
    await expect(page.get_by_role("status")).to_contain_text("Two-factor authentication is off.")
    await screenshot(server, page, "portal-two-factor-off-phone")
    assert (await api.login(address, PASSWORD)).status_code == 201
