"""The "Users" page of a company: who sees it, who may act on it, and that it acts only in the
company it was shown for (forged posts included)."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.invites.models import Invite
from app.mail.models import OutboxMessage
from app.memberships.models import Membership
from tests.helpers import Api, World
from tests.portal.browser import Browser, heading, text
from tests.portal.conftest import SignIn


def _invite_form(
    world_company_roles: dict[str, str], group_id: str, company_id: str
) -> dict[str, str]:
    return {
        "company": company_id,
        "invite_group": group_id,
        "invite_role": world_company_roles["Viewer"],
    }


async def _invite(api: Api, world: World, address: str, *, b: bool = False) -> str:
    company = world.b if b else world.a
    created = await api.post(
        "/invites",
        branding="portal.ixon.cloud",
        token=company.admin.token,
        company=company.id,
        json=[
            {
                "emailAddress": address,
                "groupRoles": [
                    {
                        "group": {"publicId": company.group_id},
                        "role": {"publicId": company.roles["Viewer"]},
                    }
                ],
            }
        ],
    )
    return str(created.json()["data"]["invites"][0]["publicId"])


async def _status(api: Api, world: World, invite_id: str, *, b: bool = False) -> str:
    company = world.b if b else world.a
    found = await api.get(
        f"/invites/{invite_id}",
        token=company.admin.token,
        company=company.id,
        params={"fields": "status"},
    )
    return str(found.json()["data"]["status"])


async def _members(world: World, company_internal_id: int) -> int:
    async with world.sessionmaker() as session:
        stmt = select(func.count(func.distinct(Membership.user_id))).where(
            Membership.company_id == company_internal_id, Membership.user_id.is_not(None)
        )
        return int(await session.scalar(stmt) or 0)


async def test_an_administrator_invites_resends_withdraws_and_removes(
    api: Api, world: World, signed_in: SignIn
) -> None:
    a = world.a
    leaving = await world.member(a, "Viewer", "Lee Leaving")
    browser = await signed_in(a.admin)
    page = await browser.get("/portal/account/users")
    assert heading(page.text) == "Users of Company A"
    shown = text(page.text)
    assert (
        "Lee Leaving" in shown and "Viewer in Company A" in shown and "Invite a colleague" in shown
    )

    missing = await browser.submit(
        page,
        "/portal/account/users/invite",
        company=a.id,
        invite_email="",
        invite_group=a.group_id,
        invite_role="",
    )
    assert missing.status_code == 400
    assert 'href="#invite_email"' in missing.text and 'href="#invite_role"' in missing.text

    fields = _invite_form(a.roles, a.group_id, a.id)
    sent = await browser.submit(
        page,
        "/portal/account/users/invite",
        **fields,
        invite_email="Nina.New@Example.com",
        invite_message="Hello Nina",
    )
    assert sent.headers["location"] == "/portal/account/users?done=invited"
    page = await browser.get(sent.headers["location"])
    assert "The invitation has been sent." in text(page.text)
    assert "Nina.New@example.com" in text(page.text)  # as typed (the domain lower-cased)
    async with world.sessionmaker() as session:
        [invite] = await session.scalars(select(Invite).where(Invite.company_id == a.internal_id))
        mails = list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.recipient == "Nina.New@example.com")
            )
        )
    assert invite.message == "Hello Nina" and len(mails) == 1

    again = await browser.submit(
        page, "/portal/account/users/invite", **fields, invite_email="nina.new@example.com"
    )
    assert again.status_code == 409 and "already been invited" in text(again.text)
    assert 'value="nina.new@example.com"' in again.text  # what they typed is kept

    resent = await browser.submit(
        page, f"/portal/account/users/invites/{invite.public_id}/resend", company=a.id
    )
    assert resent.headers["location"] == "/portal/account/users?done=resent"

    confirm = await browser.get(f"/portal/account/users/invites/{invite.public_id}/revoke")
    assert heading(confirm.text) == "Withdraw the invitation of Nina.New@example.com?"
    assert await _status(api, world, invite.public_id) == "pending"
    withdrawn = await browser.submit(
        confirm, f"/portal/account/users/invites/{invite.public_id}/revoke", company=a.id
    )
    assert withdrawn.headers["location"] == "/portal/account/users?done=revoked"
    assert await _status(api, world, invite.public_id) == "revoked"

    confirm = await browser.get(f"/portal/account/users/{leaving.id}/remove")
    assert heading(confirm.text) == "Remove Lee Leaving from Company A?"
    before = await _members(world, a.internal_id)
    removed = await browser.submit(
        confirm, f"/portal/account/users/{leaving.id}/remove", company=a.id
    )
    assert removed.headers["location"] == "/portal/account/users?done=removed"
    assert await _members(world, a.internal_id) == before - 1
    page = await browser.get(removed.headers["location"])
    assert "Lee Leaving" not in text(page.text)


async def test_the_last_administrator_cannot_remove_themselves(
    world: World, signed_in: SignIn
) -> None:
    a = world.a
    browser = await signed_in(a.admin)
    confirm = await browser.get(f"/portal/account/users/{a.admin.id}/remove")
    refused = await browser.submit(
        confirm, f"/portal/account/users/{a.admin.id}/remove", company=a.id
    )
    assert refused.status_code == 409 and heading(refused.text) == "Users of Company A"
    assert "administrator" in text(refused.text).lower()


async def test_a_viewer_sees_the_users_but_no_actions_and_forged_posts_are_refused(
    api: Api, world: World, signed_in: SignIn
) -> None:
    a = world.a
    viewer = await world.member(a, "Viewer", "Vic Viewer")
    target = await world.member(a, "User", "Tara Target")
    invite_id = await _invite(api, world, "pending@example.com")
    browser = await signed_in(viewer)
    page = await browser.get("/portal/account/users")
    shown = text(page.text)
    assert page.status_code == 200 and "Tara Target" in shown and "pending@example.com" in shown
    for action in ("Invite a colleague", "Remove ", "Send again", "Withdraw"):
        assert action not in shown
    assert 'action="/portal/account/users/invite"' not in page.text

    fields = _invite_form(a.roles, a.group_id, a.id)
    forged = [
        await browser.submit(
            page, "/portal/account/users/invite", **fields, invite_email="sneaky@example.com"
        ),
        await browser.submit(
            page, f"/portal/account/users/invites/{invite_id}/revoke", company=a.id
        ),
        await browser.submit(
            page, f"/portal/account/users/invites/{invite_id}/resend", company=a.id
        ),
        await browser.submit(page, f"/portal/account/users/{target.id}/remove", company=a.id),
    ]
    assert [r.status_code for r in forged] == [403] * 4
    assert all("MANAGE_USERS" in text(r.text) for r in forged)
    assert (await browser.get(f"/portal/account/users/{target.id}/remove")).status_code == 403
    assert await _status(api, world, invite_id) == "pending"
    assert "Tara Target" in text((await browser.get("/portal/account/users")).text)
    async with world.sessionmaker() as session:
        sneaky = await session.scalar(
            select(Invite.id).where(Invite.email_normalized == "sneaky@example.com")
        )
    assert sneaky is None


async def test_a_member_without_view_users_has_no_users_page(
    world: World, signed_in: SignIn
) -> None:
    member = await world.member(world.a, "User", "Una User")
    browser = await signed_in(member)
    page = await browser.get("/portal/account/companies")
    assert 'href="/portal/account/users"' not in page.text
    refused = await browser.get("/portal/account/users")
    assert refused.status_code == 403 and "text/html" in refused.headers["content-type"]
    assert heading(refused.text) == "You are not allowed to do this"
    forged = await browser.submit(
        page,
        "/portal/account/users/invite",
        company=world.a.id,
        invite_email="x@example.com",
        invite_group=world.a.group_id,
        invite_role=world.a.roles["Viewer"],
    )
    assert forged.status_code == 403 and heading(forged.text) == "You are not allowed to do this"


async def test_an_administrator_of_a_cannot_touch_company_b(
    api: Api, world: World, signed_in: SignIn
) -> None:
    a, b = world.a, world.b
    b_member = await world.member(b, "Viewer", "Bea Beta")
    b_invite = await _invite(api, world, "b.pending@example.com", b=True)
    browser = await signed_in(a.admin)
    page = await browser.get("/portal/account/users")

    # B's ids in A's forms: not found in A, nothing changes in B.
    remove = await browser.submit(page, f"/portal/account/users/{b_member.id}/remove", company=a.id)
    revoke = await browser.submit(
        page, f"/portal/account/users/invites/{b_invite}/revoke", company=a.id
    )
    resend = await browser.submit(
        page, f"/portal/account/users/invites/{b_invite}/resend", company=a.id
    )
    assert [r.status_code for r in (remove, revoke, resend)] == [404, 404, 404]
    assert (await browser.get(f"/portal/account/users/{b_member.id}/remove")).status_code == 404
    assert (
        await browser.get(f"/portal/account/users/invites/{b_invite}/revoke")
    ).status_code == 404
    # Naming company B in the form does not make the pages act there.
    named = await browser.submit(page, f"/portal/account/users/{b_member.id}/remove", company=b.id)
    assert named.status_code == 409 and "another company" in text(named.text)
    # Inviting into B's group or role from A: not found in A.
    into_b = await browser.submit(
        page,
        "/portal/account/users/invite",
        company=a.id,
        invite_email="x@example.com",
        invite_group=b.group_id,
        invite_role=b.roles["Viewer"],
    )
    assert into_b.status_code == 404 and "not found in this company" in text(into_b.text)

    assert await _status(api, world, b_invite, b=True) == "pending"
    b_users = await api.get(
        "/users", token=b.admin.token, company=b.id, params={"fields": "publicId"}
    )
    assert b_member.id in {u["publicId"] for u in b_users.json()["data"]}


async def test_a_form_of_the_previous_company_does_not_act_in_the_next(
    api: Api, world: World, signed_in: SignIn
) -> None:
    """Two tabs: the Users page of A open in one, a switch to B in the other."""
    person = await world.member(world.a, "Administrator", "Two Tabs")
    created = await _invite(api, world, person.email, b=True)
    tab: Browser = await signed_in(person)
    invitations = await tab.get("/portal/account/invitations")
    await tab.submit(invitations, f"/portal/account/invitations/{created}/accept")  # now in B
    page_of_b = await tab.get("/portal/account/users")
    assert heading(page_of_b.text) == "Users of Company B"
    stale = await tab.submit(
        page_of_b,
        "/portal/account/users/invite",
        company=world.a.id,
        invite_email="late@example.com",
        invite_group=world.a.group_id,
        invite_role=world.a.roles["Viewer"],
    )
    assert stale.status_code == 409
    assert "switched to another company in another tab" in text(stale.text)
    assert re.search(r'id="error-summary"[^>]*autofocus', stale.text)
