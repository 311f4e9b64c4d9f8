"""Each e-mail and page in its reader's language, on both databases: the invite's `language`,
else the account's, else the company's `defaultUserInviteLanguage`, else (pages) the browser's
`Accept-Language`, else English."""

from __future__ import annotations

import html
import re

import httpx

from app.mail.models import OutboxMessage
from tests.helpers import Api, World, errors
from tests.invites.support import BRANDING, invite, invite_row, link_of, outbox_rows


def _h1(response: httpx.Response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.text, re.S)
    assert match is not None, response.text
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).split())


async def _mail(world: World, reference: str) -> OutboxMessage:
    rows = await outbox_rows(world.sessionmaker, reference)
    assert len(rows) == 1, rows
    return rows[0]


async def _language_of(world: World, invite_id: str) -> str:
    """The language stored with the invite (IXON's Invite shows none)."""
    return (await invite_row(world.sessionmaker, invite_id)).language


async def test_an_invite_in_german_is_written_in_german(api: Api, world: World) -> None:
    invite_id = await invite(api, "kurt@example.com", language="de", message="Willkommen!")
    mail = await _mail(world, f"invite:{invite_id}")
    assert mail.subject == "Company A Admin lädt Sie zu Company A auf IXON Cloud ein"
    assert "Company A Admin (admin.a@example.com) hat Sie eingeladen" in mail.text
    assert "Company A Admin schrieb:" in mail.text and "> Willkommen!" in mail.text
    assert re.search(r"gültig bis zum \d{1,2}\. \w+ \d{4}, \d\d:\d\d UTC", mail.text)
    assert '<html lang="de">' in mail.html
    page = await api.client.get(f"/portal/invites/{await link_of(world.sessionmaker, invite_id)}")
    assert page.status_code == 200 and page.headers["content-language"] == "de"
    assert _h1(page) == "Sie sind zu Company A eingeladen"
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).split())
    assert "Company A Admin (admin.a@example.com) hat kurt@example.com eingeladen" in text
    assert "Konto anlegen und beitreten" in page.text


async def test_without_a_language_an_account_is_written_to_in_its_own(
    api: Api, world: World
) -> None:
    person = await world.person("Joost")
    changed = await api.patch(
        "/users/me",
        token=person.token,
        company=None,
        json={"language": "nl", "timeZone": "Europe/Amsterdam"},
    )
    assert changed.status_code == 200, changed.text
    invite_id = await invite(api, person.email)
    assert await _language_of(world, invite_id) == "nl"
    mail = await _mail(world, f"invite:{invite_id}")
    assert mail.subject == "Company A Admin nodigt je uit voor Company A op IXON Cloud"
    assert "Hallo Joost," in mail.text
    assert re.search(r"geldig tot \d{1,2} \w+ \d{4}, \d\d:\d\d CES?T", mail.text)  # Amsterdam


async def test_else_the_company_default_language(api: Api, world: World) -> None:
    patched = await api.patch("/companies/me", json={"defaultUserInviteLanguage": "fr"})
    assert patched.status_code == 200, patched.text
    invite_id = await invite(api, "camille@example.com")
    assert await _language_of(world, invite_id) == "fr"
    mail = await _mail(world, f"invite:{invite_id}")
    assert mail.subject == "Company A Admin vous invite à rejoindre Company A sur IXON Cloud"
    # The invite's own language still wins over the company's.
    english_id = await invite(api, "casey@example.com", language="en")
    assert (await _mail(world, f"invite:{english_id}")).subject.startswith(
        "Company A Admin invited"
    )


async def test_a_language_without_a_catalogue_falls_back(api: Api, world: World) -> None:
    invite_id = await invite(api, "pilar@example.com", language="es")
    mail = await _mail(world, f"invite:{invite_id}")
    assert mail.subject == "Company A Admin invited you to join Company A on IXON Cloud"


async def test_a_page_without_a_reader_follows_the_browser(client: httpx.AsyncClient) -> None:
    german = {"Accept-Language": "de-CH, de;q=0.9, en;q=0.5"}
    home = await client.get("/portal/", headers=german)
    assert home.status_code == 200 and home.headers["content-language"] == "de"
    assert _h1(home) == "Bei IXON Cloud anmelden" and '<html lang="de">' in home.text
    assert "Passwort vergessen?" in home.text and "Anmelden</button>" in home.text
    assert "Accept-Language" in home.headers["vary"]
    unknown = await client.get("/portal/invites/no-such-link", headers={"Accept-Language": "fr"})
    assert unknown.status_code == 404 and _h1(unknown) == "Ce lien n'est pas valide"
    plain = await client.get("/portal/")
    assert plain.headers["content-language"] == "en" and _h1(plain) == "Sign in to IXON Cloud"


async def test_a_password_reset_comes_in_the_account_language_and_time_zone(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    person = await world.person("Lena")
    await api.patch(
        "/users/me",
        token=person.token,
        company=None,
        json={"language": "de", "timeZone": "Europe/Berlin"},
    )
    sent = await api.post(
        "/access-recover",
        token=None,
        company=None,
        branding=BRANDING,
        json={"emailAddress": person.email},
    )
    assert sent.status_code == 201, sent.text
    mail = await _mail(world, person.id)
    assert mail.subject == "Setzen Sie Ihr Passwort für IXON Cloud zurück"
    assert "Hallo Lena," in mail.text and re.search(r"\d\d:\d\d MES?Z", mail.text)
    secret = re.search(r"/portal/access-recover/(\S+)", mail.text)
    assert secret is not None
    page = await client.get(f"/portal/access-recover/{secret.group(1)}")
    assert _h1(page) == "Neues Passwort wählen"  # the account's language, not the browser's


async def test_a_common_password_is_refused_with_a_clear_400(api: Api, world: World) -> None:
    person = await world.person("Rita")
    for weak in ("Password1", "qwertyuiop", "welkom01", person.email):  # its own address too
        response = await api.post(
            "/users/me/password",
            token=person.token,
            company=None,
            branding=BRANDING,
            json={"oldPassword": person.password, "newPassword": weak, "deleteAccessTokens": False},
        )
        assert response.status_code == 400, weak
        [error] = errors(response)
        assert error["propertyName"] == "newPassword"
        assert "too common or too easy to guess" in error["message"]
    registered = await api.post(
        "/registrations",
        token=None,
        company=None,
        branding=BRANDING,
        json={
            "companyName": "Weak Ltd",
            "name": "W",
            "emailAddress": "weak@example.com",
            "password": "iloveyou1",
        },
    )
    assert registered.status_code == 400
    assert [e["propertyName"] for e in errors(registered)] == ["password"]
    strong = await api.post(
        "/users/me/password",
        token=person.token,
        company=None,
        branding=BRANDING,
        json={
            "oldPassword": person.password,
            "newPassword": "a brand new passphrase",
            "deleteAccessTokens": False,
        },
    )
    assert strong.status_code in (200, 201), strong.text
