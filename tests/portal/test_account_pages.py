"""The signed-in pages of a person: companies, invitations, profile, password."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.companies.models import Company
from app.email_changes.models import EmailAddressChange
from app.mail.models import OutboxMessage
from app.users.models import User
from tests.helpers import Api, World
from tests.portal.browser import heading, text
from tests.portal.conftest import SignIn


async def test_a_member_of_two_companies_switches_between_them(
    api: Api, world: World, signed_in: SignIn
) -> None:
    person = await world.member(world.a, "Viewer", "Pat Both")
    await world.member(world.b, "User")  # someone else in B
    invite = await api.post(
        "/invites",
        branding="portal.ixon.cloud",
        token=world.b.admin.token,
        company=world.b.id,
        json=[
            {
                "emailAddress": person.email,
                "groupRoles": [
                    {
                        "group": {"publicId": world.b.group_id},
                        "role": {"publicId": world.b.roles["Administrator"]},
                    }
                ],
            }
        ],
    )
    invite_id = invite.json()["data"]["invites"][0]["publicId"]
    browser = await signed_in(person)

    page = await browser.get("/portal/account/companies")
    assert "You have been invited to join a company" in text(page.text)
    invitations = await browser.get("/portal/account/invitations")
    assert "The role Administrator in Company B" in text(invitations.text)
    joined = await browser.submit(invitations, f"/portal/account/invitations/{invite_id}/accept")
    assert joined.headers["location"] == "/portal/account/invitations?done=joined"
    after = await browser.get(joined.headers["location"])
    assert "You have joined Company B" in text(after.text)
    assert "Working in Company B" in text(after.text)

    page = await browser.get("/portal/account/companies")
    back = await browser.submit(page, "/portal/account/companies/switch", company=world.a.id)
    assert back.status_code == 303
    page = await browser.get(back.headers["location"])
    assert "You are now working in Company A" in text(page.text)
    assert "Working in Company A" in text(page.text)
    users = await browser.get("/portal/account/users")
    assert heading(users.text) == "Users of Company A"


async def test_switching_to_a_company_not_ones_own_is_not_found(
    world: World, signed_in: SignIn
) -> None:
    browser = await signed_in(world.a.admin)
    page = await browser.get("/portal/account/companies")
    refused = await browser.submit(page, "/portal/account/companies/switch", company=world.b.id)
    assert refused.status_code == 404 and "Company not found" in text(refused.text)
    assert "ixon_portal_company" not in refused.headers.get("set-cookie", "")
    # A company cookie set by hand to a foreign company is only a wish: A's pages show.
    browser.client.cookies.set("ixon_portal_company", world.b.id, path="/portal")
    users = await browser.get("/portal/account/users")
    assert heading(users.text) == "Users of Company A" and "Company B" not in text(users.text)


async def test_a_person_adds_a_new_company_and_works_in_it(world: World, signed_in: SignIn) -> None:
    person = await world.person("Nico New")
    browser = await signed_in(person)
    page = await browser.get("/portal/account/companies")
    assert "You do not belong to a company yet" in text(page.text)
    assert "Users" not in text(page.text)  # no company, no Users page

    empty = await browser.submit(page, "/portal/account/companies", company_name="  ")
    assert empty.status_code == 400 and "Enter the name of the company." in text(empty.text)
    made = await browser.submit(page, "/portal/account/companies", company_name="Nico's Pumps")
    assert made.headers["location"] == "/portal/account/companies?done=company-created"
    page = await browser.get(made.headers["location"])
    assert "Nico's Pumps has been created, with you as its administrator" in text(page.text)
    users = await browser.get("/portal/account/users")
    assert "Administrator in Nico's Pumps" in text(users.text)
    async with world.sessionmaker() as session:
        assert await session.scalar(select(Company.id).where(Company.name == "Nico's Pumps"))


async def test_a_person_declines_an_invitation_after_confirming(
    api: Api, world: World, signed_in: SignIn
) -> None:
    person = await world.person("Dee Cline")
    created = await api.post(
        "/invites",
        branding="portal.ixon.cloud",
        json=[
            {
                "emailAddress": person.email.upper(),
                "groupRoles": [
                    {
                        "group": {"publicId": world.a.group_id},
                        "role": {"publicId": world.a.roles["Viewer"]},
                    }
                ],
            }
        ],
    )
    invite_id = created.json()["data"]["invites"][0]["publicId"]
    browser = await signed_in(person)
    confirm = await browser.get(f"/portal/account/invitations/{invite_id}/decline")
    assert heading(confirm.text) == "Decline the invitation of Company A?"
    status = await api.get(f"/invites/{invite_id}", params={"fields": "status"})
    assert status.json()["data"]["status"] == "pending"  # GET changes nothing
    declined = await browser.submit(confirm, f"/portal/account/invitations/{invite_id}/decline")
    assert declined.headers["location"] == "/portal/account/invitations?done=declined"
    status = await api.get(f"/invites/{invite_id}", params={"fields": "status"})
    assert status.json()["data"]["status"] == "declined"
    # Someone else's invitation is not found, to look at or to accept with a forged form.
    again = await api.post(
        "/invites",
        branding="portal.ixon.cloud",
        json=[{"emailAddress": person.email, "groupRoles": [
            {"group": {"publicId": world.a.group_id},
             "role": {"publicId": world.a.roles["Viewer"]}}]}],
    )  # fmt: skip
    open_id = again.json()["data"]["invites"][0]["publicId"]
    stranger = await signed_in(await world.person("Other"))
    assert (await stranger.get(f"/portal/account/invitations/{open_id}/decline")).status_code == 404
    page = await stranger.get("/portal/account/invitations")
    forged = await stranger.submit(page, f"/portal/account/invitations/{open_id}/accept")
    assert forged.status_code == 404 and "Invite not found" in text(forged.text)
    status = await api.get(f"/invites/{open_id}", params={"fields": "status"})
    assert status.json()["data"]["status"] == "pending"


async def test_the_profile_is_saved_and_what_people_type_is_never_markup(
    world: World, signed_in: SignIn
) -> None:
    person = await world.person("Ro Profile")
    browser = await signed_in(person)
    page = await browser.get("/portal/account/profile")
    saved = await browser.submit(
        page, "/portal/account/profile", name="<b>Ro</b> & co", language="nl"
    )
    assert saved.headers["location"] == "/portal/account/profile?done=profile-saved"
    page = await browser.get(saved.headers["location"])
    assert "&lt;b&gt;Ro&lt;/b&gt; &amp;amp; co" not in page.text  # escaped once, not twice
    assert "&lt;b&gt;Ro&lt;/b&gt; &amp; co" in page.text and "<b>Ro</b>" not in page.text
    assert '<option value="nl" lang="nl" selected>' in page.text
    async with world.sessionmaker() as session:
        user = await session.get(User, person.user.id)
        assert user is not None and (user.name, user.language) == ("<b>Ro</b> & co", "nl")

    # The pages speak the account's language from now on: Dutch.
    bad = await browser.submit(page, "/portal/account/profile", name="", language="xx")
    assert bad.status_code == 400 and bad.headers["content-language"] == "nl"
    assert "Vul je naam in." in text(bad.text) and "Kies een taal uit de lijst." in text(bad.text)
    nul = await browser.submit(page, "/portal/account/profile", name="a\x00b", language="en")
    assert nul.status_code == 400 and "niet kunnen worden opgeslagen" in text(nul.text)


async def test_an_email_change_goes_through_the_confirmation_flow(
    world: World, signed_in: SignIn
) -> None:
    person = await world.person("Em Change")
    browser = await signed_in(person)
    page = await browser.get("/portal/account/profile")
    invalid = await browser.submit(page, "/portal/account/profile/email", new_email="no-at-sign")
    assert invalid.status_code == 400 and "like name@example.com" in text(invalid.text)
    asked = await browser.submit(page, "/portal/account/profile/email", new_email="new@example.com")
    assert asked.headers["location"] == "/portal/account/profile?done=email-sent"
    page = await browser.get(asked.headers["location"])
    assert "Waiting for confirmation: new@example.com" in text(page.text)
    async with world.sessionmaker() as session:
        mails = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "email_change_confirmation")
        )
        assert [m.recipient for m in mails] == ["new@example.com"]
        user = await session.get(User, person.user.id)
        assert user is not None and user.email_address == person.email  # not until confirmed
        [change] = await session.scalars(select(EmailAddressChange))
    cancelled = await browser.submit(
        page, f"/portal/account/profile/email/{change.public_id}/cancel"
    )
    assert cancelled.headers["location"] == "/portal/account/profile?done=email-cancelled"
    page = await browser.get(cancelled.headers["location"])
    assert "Waiting for confirmation" not in text(page.text)


async def test_a_password_change_renews_this_session_and_can_end_the_others(
    api: Api, world: World, signed_in: SignIn
) -> None:
    admin = world.a.admin
    browser = await signed_in(admin)
    elsewhere = await signed_in(admin)
    old_cookie = browser.session_cookie()
    page = await browser.get("/portal/account/password")
    assert 'name="sign_out" value="yes"' in page.text and "checked" in page.text

    wrong = await browser.submit(
        page,
        "/portal/account/password",
        current_password="not it at all",
        new_password="brand new words",
        repeat_password="brand new words",
        sign_out="yes",
    )
    assert wrong.status_code == 400 and "The old password is incorrect" in text(wrong.text)
    differ = await browser.submit(
        page,
        "/portal/account/password",
        current_password=admin.password,
        new_password="brand new words",
        repeat_password="brand new wordz",
    )
    assert differ.status_code == 400 and "not the same" in text(differ.text)
    assert "brand new words" not in differ.text  # passwords are never written back

    changed = await browser.submit(
        page,
        "/portal/account/password",
        current_password=admin.password,
        new_password="brand new words",
        repeat_password="brand new words",
        sign_out="yes",
    )
    assert changed.headers["location"] == "/portal/account/password?done=password-changed"
    assert browser.session_cookie() not in (None, old_cookie)
    assert (await browser.get("/portal/account/password")).status_code == 200
    assert (await elsewhere.get("/portal/account/password")).status_code == 303
    api_token = await api.get("/users/me", company=None)
    assert api_token.status_code == 401  # the API token of the world's admin is gone too
    browser.client.cookies.set("ixon_portal_session", old_cookie or "", path="/portal")
    assert (await browser.get("/portal/account/password")).status_code == 303


async def test_a_pages_writes_are_the_signed_in_persons_in_the_audit_log(
    world: World, signed_in: SignIn
) -> None:
    person = await world.member(world.a, "Viewer", "Audra Audit")
    browser = await signed_in(person)
    page = await browser.get("/portal/account/profile")
    saved = await browser.submit(page, "/portal/account/profile", name="Audra A.", language="en")
    assert saved.status_code == 303
    async with world.sessionmaker() as session:
        event = await session.scalar(
            select(AuditEvent).where(
                AuditEvent.target == "User",
                AuditEvent.action == "UPDATE",
                AuditEvent.target_id == person.id,
            )
        )
    assert event is not None and (event.actor_id, event.actor_kind) == (person.id, "User")
    assert (event.application_name, event.company) == ("Account portal", world.a.id)
    assert event.ip_address == "203.0.113.8"
