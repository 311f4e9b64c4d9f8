"""Following an invite e-mail in Chromium: the pages between the link and the company.

The complaint these pages answer: "many users are still having trouble with creating a login,
even after they have received the invite link". Each test starts where the person does, with
the e-mail, and checks through the API that what the pages promise really happened.
"""

from __future__ import annotations

import secrets

import pytest
from playwright.async_api import Locator, Page, expect

from tests.e2e.conftest import (
    PASSWORD,
    PHONE,
    PRODUCT,
    Api,
    LiveServer,
    NewContext,
    expire_invite,
    screenshot,
    unique_address,
    unlabelled_controls,
    visit,
)

pytestmark = pytest.mark.e2e

MESSAGE = "Welcome to the service team! You will see the machines of line 3."


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


async def create_account_and_join(page: Page, name: str, password: str = PASSWORD) -> None:
    await page.get_by_label("Your name").fill(name)
    await page.get_by_label("Password", exact=True).fill(password)
    await page.get_by_label("Repeat password").fill(password)
    await page.get_by_role("button", name="Create account and join").click()


async def test_a_new_person_creates_an_account_from_the_invite_email(
    live_any: LiveServer, api: Api, new_context: NewContext
) -> None:
    server, acme = live_any, live_any.acme
    address = unique_address("nora")
    invite_id = await api.invite(acme, address, message=MESSAGE)
    _, group = await api.roles_and_company_group(acme)
    invite = await api.as_admin(
        acme, "GET", f"/invites/{invite_id}", params={"fields": "expiresOn"}
    )
    expires_year = invite.json()["data"]["expiresOn"][:4]

    mail = await server.mailbox.receive(address, "invites")
    assert acme.company_name in mail.subject
    page = await (await new_context(**PHONE)).new_page()
    await visit(page, mail.link)

    await expect(heading(page)).to_contain_text(f"You're invited to join {acme.company_name}")
    main = page.get_by_role("main")
    for shown in (acme.name, address, "Viewer", group["name"], MESSAGE, expires_year):
        await expect(main).to_contain_text(shown)
    await expect(page.get_by_role("link", name="Decline invitation")).to_be_visible()
    form = page.locator("form", has=page.get_by_role("button", name="Create account and join"))
    assert (await form.get_attribute("method") or "").lower() == "post"
    await expect(form.locator("input[type=hidden][name=csrf_token]")).to_have_count(1)
    await screenshot(server, page, "invite-new-person-phone")

    await create_account_and_join(page, "Nora Newcomer")
    await expect(heading(page)).to_contain_text(f"Welcome to {acme.company_name}")
    await expect(page.get_by_role("link", name=f"Go to {PRODUCT}")).to_be_visible()
    await screenshot(server, page, "welcome-new-person-phone")
    # The next click leads to a page, not to an API error: the sign-in form.
    await page.get_by_role("link", name=f"Go to {PRODUCT}").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Sign in to {PRODUCT}")
    await expect(page.get_by_label("E-mail address", exact=True)).to_be_visible()

    assert await api.invite_status(acme, invite_id) == "accepted"
    token = await api.token(address, PASSWORD)
    assert acme.company_name in await api.company_names(token)
    assert address in await api.user_addresses(acme)


async def test_an_existing_account_logs_in_and_joins(
    live: LiveServer, api: Api, page: Page
) -> None:
    """Beta's administrator already has an account; Acme invites them."""
    acme, person = live.acme, await live.beta()
    invite_id = await api.invite(acme, person.email, role="Editor")
    mail = await live.mailbox.receive(person.email, "invites")

    await visit(page, mail.link)
    await expect(heading(page)).to_contain_text(f"You're invited to join {acme.company_name}")
    await expect(page.get_by_label("Your name")).to_have_count(0)
    await expect(page.get_by_role("link", name="Decline invitation")).to_be_visible()
    assert await unlabelled_controls(page) == []
    # Opening the link (what a mail scanner does) accepts nothing.
    assert await api.invite_status(acme, invite_id) == "pending"
    assert person.email not in await api.user_addresses(acme)
    await screenshot(live, page, "invite-existing-account")

    await page.get_by_label("Password", exact=True).fill("not my password")
    async with page.expect_response(lambda r: r.request.method == "POST") as posted:
        await page.get_by_role("button", name="Log in and join").click()
    assert (await posted.value).status == 400
    await expect(page.get_by_role("alert")).to_contain_text("The password is not correct")
    await screenshot(live, page, "invite-existing-account-wrong-password")
    assert await api.invite_status(acme, invite_id) == "pending"

    await page.get_by_label("Password", exact=True).fill(person.password)
    await page.get_by_role("button", name="Log in and join").click()
    await expect(heading(page)).to_contain_text(f"Welcome to {acme.company_name}")
    assert await api.invite_status(acme, invite_id) == "accepted"
    assert person.email in await api.user_addresses(acme)
    token = await api.token(person.email, person.password)
    assert {acme.company_name, person.company_name} <= await api.company_names(token)


async def test_each_state_of_a_link_has_its_own_page(
    live: LiveServer, api: Api, page: Page
) -> None:
    acme = live.acme

    made_up = f"{live.url}/portal/invites/{secrets.token_urlsafe(32)}"
    await visit(page, made_up, 404)
    await expect(heading(page)).to_contain_text("This link is not valid")
    await screenshot(live, page, "link-not-valid")

    revoked = unique_address("revoked")
    revoked_id = await api.invite(acme, revoked)
    revoked_link = (await live.mailbox.receive(revoked, "invites")).link
    withdrawn = await api.as_admin(acme, "DELETE", f"/invites/{revoked_id}")
    assert withdrawn.status_code == 200, withdrawn.text
    await visit(page, revoked_link, status=None)
    await expect(heading(page)).to_contain_text("This invitation has been withdrawn")
    await screenshot(live, page, "invite-withdrawn")

    late = unique_address("late")
    late_id = await api.invite(acme, late)
    late_link = (await live.mailbox.receive(late, "invites")).link
    await expire_invite(live, late_id)
    await visit(page, late_link, status=None)
    await expect(heading(page)).to_contain_text("This invitation has expired")
    await screenshot(live, page, "invite-expired")

    declined = unique_address("declined")
    declined_id = await api.invite(acme, declined)
    declined_link = (await live.mailbox.receive(declined, "invites")).link
    await visit(page, declined_link)
    await page.get_by_role("link", name="Decline invitation").click()  # asks first
    await page.get_by_role("button", name="Yes, decline the invitation").click()
    await expect(heading(page)).to_contain_text("You declined this invitation")
    assert await api.invite_status(acme, declined_id) == "declined"

    # Used: join once, then open the same link again.
    joined = unique_address("joined")
    await api.invite(acme, joined)
    joined_link = (await live.mailbox.receive(joined, "invites")).link
    await visit(page, joined_link)
    await create_account_and_join(page, "Jo Joined")
    await expect(heading(page)).to_contain_text(f"Welcome to {acme.company_name}")
    await visit(page, joined_link, status=None)
    await expect(heading(page)).to_contain_text(f"You have already joined {acme.company_name}")
    await screenshot(live, page, "invite-already-joined")

    # Signed in (since the join) as someone else than the next invite is for.
    other = unique_address("other")
    await api.invite(acme, other)
    other_link = (await live.mailbox.receive(other, "invites")).link
    await visit(page, other_link)
    await expect(
        page.get_by_text(f"You are signed in as {joined}, but this invitation is for {other}.")
    ).to_be_visible()
    await screenshot(live, page, "invite-signed-in-as-another")
    await page.get_by_role("button", name="Sign out and continue").click()
    await expect(heading(page)).to_contain_text(f"You're invited to join {acme.company_name}")
    await expect(page.get_by_label("Your name")).to_be_visible()
    await expect(page.get_by_text("You are signed in as")).to_have_count(0)
    cookies = await page.context.cookies()
    assert "ixon_portal_user" not in {c["name"] for c in cookies}


async def test_the_join_works_without_javascript_and_every_field_is_labelled(
    live: LiveServer, api: Api, new_context: NewContext
) -> None:
    acme = live.acme
    address = unique_address("nojs")
    await api.invite(acme, address)
    link = (await live.mailbox.receive(address, "invites")).link
    page = await (await new_context(java_script_enabled=False)).new_page()

    await visit(page, link)
    assert (await page.locator("html").get_attribute("lang") or "").strip()
    await expect(heading(page)).to_have_count(1)
    assert await unlabelled_controls(page) == []
    for label in ("Your name", "Repeat password"):
        await expect(page.get_by_label(label)).to_be_editable()
    await expect(page.get_by_label("Password", exact=True)).to_be_editable()

    await create_account_and_join(page, "Noa Script")
    await expect(heading(page)).to_contain_text(f"Welcome to {acme.company_name}")
    assert (await page.locator("html").get_attribute("lang") or "").strip()
    assert address in await api.user_addresses(acme)
