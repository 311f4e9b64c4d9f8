"""The account portal in its reader's language, on both databases: a signed-in person reads
the pages (dates, messages, errors of the services included) in their account's language,
whatever the browser asks for; the browser's choice, then the company's default, only come
in when the account's language has no catalogue."""

from __future__ import annotations

import re

import httpx

from tests.helpers import Api, Person, World
from tests.invites.support import invite
from tests.portal.browser import Browser, heading, text

GERMAN_BROWSER = {"Accept-Language": "de-DE, de;q=0.9, en;q=0.5"}


async def _speaks(api: Api, person: Person, language: str, zone: str | None = None) -> None:
    patch: dict[str, str] = {"language": language}
    if zone:
        patch["timeZone"] = zone
    changed = await api.patch("/users/me", token=person.token, company=None, json=patch)
    assert changed.status_code == 200, changed.text


async def _signed_in(client: httpx.AsyncClient, person: Person) -> Browser:
    browser = Browser(client)
    response = await browser.sign_in(person.email, person.password)
    assert response.status_code == 303, response.text
    return browser


async def test_a_dutch_account_reads_dutch_pages_in_a_german_browser(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    person = await world.member(world.a, "Viewer", "Joost")
    await _speaks(api, person, "nl", "Europe/Amsterdam")
    await invite(api, person.email, company=world.b, token=world.b.admin.token)
    client.headers.update(GERMAN_BROWSER)
    home = await client.get("/portal/")
    assert heading(home.text) == "Bei IXON Cloud anmelden"  # nobody signed in: the browser's
    browser = await _signed_in(client, person)

    companies = await browser.get("/portal/account/companies")
    assert companies.headers["content-language"] == "nl" and '<html lang="nl">' in companies.text
    assert heading(companies.text) == "Mijn bedrijven"
    shown = text(companies.text)
    assert "Ingelogd als Joost" in shown and "Je werkt in Company A" in shown
    assert "Uitloggen" in shown and "Mijn profiel" in shown and "Abmelden" not in shown
    invitations = await browser.get("/portal/account/invitations")
    shown = text(invitations.text)
    assert "De rol Viewer in Company B" in shown
    # The date in Dutch, in the account's time zone (Amsterdam: CET or CEST).
    assert re.search(r"Geldig tot \d{1,2} [a-z]+ \d{4}, \d\d:\d\d CES?T\.", shown), shown

    # A service's message on a problem page, in Dutch too.
    missing = await browser.get("/portal/account/invitations/no-such-invite/decline")
    assert missing.status_code == 404 and missing.headers["content-language"] == "nl"
    assert heading(missing.text) == "Pagina niet gevonden"
    assert "Uitnodiging niet gevonden" in text(missing.text)

    # Choosing French on the profile page: the pages speak French from the next one on.
    profile = await browser.get("/portal/account/profile")
    saved = await browser.submit(profile, "/portal/account/profile", name="Joost", language="fr")
    assert saved.status_code == 303
    after = await browser.get(saved.headers["location"])
    assert heading(after.text) == "Mon profil"
    assert "Votre profil a été enregistré." in text(after.text)


async def test_without_a_catalogue_for_the_account_the_browser_then_the_company_decides(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    person = await world.member(world.a, "User", "Pilar")
    await _speaks(api, person, "es")  # a language we have no catalogue for
    patched = await api.patch("/companies/me", json={"defaultUserInviteLanguage": "nl"})
    assert patched.status_code == 200, patched.text
    browser = await _signed_in(client, person)
    without = await browser.get("/portal/account/companies")
    assert heading(without.text) == "Mijn bedrijven"  # no browser language: the company's
    client.headers["Accept-Language"] = "es, fr;q=0.8"
    french = await browser.get("/portal/account/companies")
    assert heading(french.text) == "Mes entreprises"  # the browser's (first one we have)
    client.headers.pop("Accept-Language")
    refused = await browser.get("/portal/account/users")  # the role User may not see them
    assert refused.status_code == 403 and heading(refused.text) == "Je mag dit niet doen"
    assert "Hiervoor is de permissie VIEW_USERS in dit bedrijf nodig" in text(refused.text)


async def test_the_users_page_says_what_is_wrong_in_the_account_language(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    a = world.a
    await _speaks(api, a.admin, "de")
    member = await world.member(a, "Viewer", "Vera")
    browser = await _signed_in(client, a.admin)
    page = await browser.get("/portal/account/users")
    assert heading(page.text) == "Benutzer von Company A"
    assert "Vera" in text(page.text) and "Viewer in der Gruppe Company A" in text(page.text)

    fields = {"company": a.id, "invite_group": a.group_id}
    empty = await browser.submit(
        page, "/portal/account/users/invite", **fields, invite_email="", invite_role=""
    )
    assert empty.status_code == 400
    summary = text(empty.text)
    assert "Es gibt ein Problem" in summary
    assert "Geben Sie die E-Mail-Adresse der Person ein, die Sie einladen möchten." in summary
    assert "Wählen Sie die Rolle, die die Person erhält." in summary

    # The service refuses (409): its message, in German, with the address in it.
    taken = await browser.submit(
        page,
        "/portal/account/users/invite",
        **fields,
        invite_email=member.email,
        invite_role=a.roles["Viewer"],
    )
    assert taken.status_code == 409 and taken.headers["content-language"] == "de"
    assert f"{member.email} ist bereits Mitglied dieses Unternehmens" in text(taken.text)
    assert "already a member" not in taken.text

    # Sending a withdrawn invitation again: refused, in German.
    withdrawn = await invite(api, "wanda@example.com")
    revoked = await api.delete(f"/invites/{withdrawn}")
    assert revoked.status_code in (200, 204), revoked.text
    resent = await browser.submit(
        page, f"/portal/account/users/invites/{withdrawn}/resend", company=a.id
    )
    assert resent.status_code == 409
    assert "wurde bereits zurückgezogen und kann nicht mehr geändert werden" in text(resent.text)

    # Removing the last administrator: refused, in German.
    confirm = await browser.get(f"/portal/account/users/{a.admin.id}/remove")
    assert heading(confirm.text) == "Company A Admin aus Company A entfernen?"
    refused = await browser.submit(
        confirm, f"/portal/account/users/{a.admin.id}/remove", company=a.id
    )
    assert refused.status_code == 409
    assert "hätte das Unternehmen keinen Administrator mehr" in text(refused.text)
