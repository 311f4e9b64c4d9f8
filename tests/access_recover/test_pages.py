"""The page the password-reset e-mail opens."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.access_recover.test_access_recover import NEW_PASSWORD, can_log_in, link_for
from tests.helpers import PASSWORD, Api, World
from tests.registrations.support import csrf_of, expire, heading, mails


def form(token: str, password: str = NEW_PASSWORD, repeat: str | None = None) -> dict[str, str]:
    return {
        "csrf_token": token,
        "new_password": password,
        "repeat_password": password if repeat is None else repeat,
    }


async def test_the_page_asks_for_the_password_twice_and_changes_nothing(
    api: Api, client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    person = await world.person("Forgetful")
    secret = await link_for(api, session, person)
    shown = await client.get(f"/portal/access-recover/{secret}")
    assert shown.status_code == 200 and heading(shown) == "Choose a new password"
    assert '<label for="new_password">New password</label>' in shown.text
    assert '<label for="repeat_password">Repeat new password</label>' in shown.text
    assert "Sign out everywhere else</label>" in shown.text
    assert ">Set new password</button>" in shown.text and person.email in shown.text
    assert 'autocomplete="new-password"' in shown.text
    assert (await api.get("/access-recover/me", token=secret, company=None)).status_code == 200
    assert await can_log_in(api, person.email, PASSWORD)


async def test_setting_a_password_needs_the_csrf_token_and_matching_fields(
    api: Api, client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    person = await world.person("Forgetful")
    secret = await link_for(api, session, person)
    url = f"/portal/access-recover/{secret}/finish"
    assert (await client.post(url, data=form("forged"))).status_code == 403
    token = csrf_of(await client.get(f"/portal/access-recover/{secret}"))

    mismatch = await client.post(url, data=form(token, repeat="something else"))
    assert mismatch.status_code == 400 and "not the same" in mismatch.text
    assert 'aria-invalid="true"' in mismatch.text and 'role="alert"' in mismatch.text
    short = await client.post(url, data=form(token, "short"))
    assert short.status_code == 400 and "8 to 1024 characters" in short.text
    assert await can_log_in(api, person.email, PASSWORD)

    done = await client.post(url, data=form(token) | {"sign_out": "yes"})
    assert done.status_code == 200 and heading(done) == "Your password has been changed"
    assert "signed out everywhere" in done.text
    assert await can_log_in(api, person.email, NEW_PASSWORD)
    assert (await api.get("/users/me", token=person.token, company=None)).status_code == 401
    assert len(await mails(session, kind="password_changed")) == 1

    again = await client.post(url, data=form(token, "a third password"))
    assert again.status_code == 410 and heading(again) == "This link has been used already"
    assert "log in with that password" in again.text
    assert await can_log_in(api, person.email, NEW_PASSWORD)


async def test_without_the_checkbox_tokens_stay(
    api: Api, client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    person = await world.person("Keeper")
    secret = await link_for(api, session, person)
    token = csrf_of(await client.get(f"/portal/access-recover/{secret}"))
    done = await client.post(f"/portal/access-recover/{secret}/finish", data=form(token))
    assert done.status_code == 200 and "signed out" not in done.text
    assert (await api.get("/users/me", token=person.token, company=None)).status_code == 200


async def test_unknown_and_expired_links_get_their_own_pages(
    api: Api, client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    unknown = await client.get("/portal/access-recover/nothing-like-a-link")
    assert unknown.status_code == 404 and heading(unknown) == "This link is not valid"
    person = await world.person("Late")
    secret = await link_for(api, session, person)
    token = csrf_of(await client.get(f"/portal/access-recover/{secret}"))
    await expire(session, secret)
    expired = await client.get(f"/portal/access-recover/{secret}")
    assert expired.status_code == 410 and heading(expired) == "This link has expired"
    assert "Ask for a new password-reset e-mail" in expired.text
    late = await client.post(f"/portal/access-recover/{secret}/finish", data=form(token))
    assert late.status_code == 410
    assert await can_log_in(api, person.email, PASSWORD)
