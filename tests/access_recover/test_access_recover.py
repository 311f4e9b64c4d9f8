"""Password recovery: `POST /access-recover` reveals nothing, the link's `/access-recover/me*`
sets a new password once, and signs out everywhere when asked."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.access_recover import service as recover_service
from tests.helpers import PASSWORD, Api, Person, World, basic, error_props, errors
from tests.registrations.support import BRANDING, expire, mails, secret_in

NEW_PASSWORD = "another good passphrase"


async def ask(api: Api, email: str, **kwargs: Any) -> httpx.Response:
    kwargs.setdefault("branding", BRANDING)
    return await api.post(
        "/access-recover", token=None, company=None, json={"emailAddress": email}, **kwargs
    )


async def link_for(api: Api, session: AsyncSession, person: Person) -> str:
    assert (await ask(api, person.email)).status_code == 201
    *_, newest = await mails(session, kind="password_reset", recipient=person.email)
    return secret_in(newest, "access-recover")


def link_headers(secret: str, branding: bool = True) -> dict[str, str]:
    """For the calls IXON documents no 4XX for (the `api` client would refuse any)."""
    headers = {"Api-Version": "2", "Authorization": f"Bearer {secret}"}
    if branding:
        headers["Api-Branding"] = BRANDING
    return headers


async def finish(client: httpx.AsyncClient, world: World, secret: str, body: Any) -> httpx.Response:
    headers = link_headers(secret) | {"Api-Application": world.application_id}
    return await client.post("/access-recover/me/finish", json=body, headers=headers)


async def can_log_in(api: Api, email: str, password: str) -> bool:
    response = await api.post(
        "/access-tokens",
        token=None,
        company=None,
        json={"expiresIn": 600},
        headers={"Authorization": basic(email, password)},
    )
    return response.status_code == 201


async def test_known_and_unknown_addresses_get_the_same_answer(
    api: Api, world: World, session: AsyncSession
) -> None:
    person = await world.person("Forgetful")
    known = await ask(api, person.email.upper())
    unknown = await ask(api, "nobody.here@example.com")
    assert known.status_code == unknown.status_code == 201
    assert (
        known.json()
        == unknown.json()
        == {
            "type": "AccessRecover",
            "data": None,
            "status": "success",
        }
    )
    assert known.headers.keys() == unknown.headers.keys()
    (mail,) = await mails(session)
    assert (mail.kind, mail.recipient) == ("password_reset", person.email)
    assert "Reset your" in mail.subject


async def test_a_reset_link_sets_the_password_once_and_signs_out_everywhere(
    api: Api, client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    person = await world.person("Forgetful")
    secret = await link_for(api, session, person)
    shown = await api.get("/access-recover/me", token=secret, company=None)
    assert shown.status_code == 200
    assert shown.json()["data"] == {"emailAddress": person.email}

    done = await finish(
        client, world, secret, {"newPassword": NEW_PASSWORD, "deleteAccessTokens": True}
    )
    assert done.status_code == 201 and done.json()["data"] is None
    assert await can_log_in(api, person.email, NEW_PASSWORD)
    assert not await can_log_in(api, person.email, PASSWORD)
    revoked = await api.get("/users/me", token=person.token, company=None)
    assert revoked.status_code == 401
    (notice,) = await mails(session, kind="password_changed")
    assert notice.recipient == person.email and "password was changed" in notice.subject

    again = await finish(
        client, world, secret, {"newPassword": "yet another one", "deleteAccessTokens": False}
    )
    assert again.status_code == 410 and error_props(again) == {"Authorization"}
    assert (await api.get("/access-recover/me", token=secret, company=None)).status_code == 410
    assert await can_log_in(api, person.email, NEW_PASSWORD)


async def test_tokens_stay_valid_unless_asked(
    api: Api, client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    person = await world.person("Keeper")
    secret = await link_for(api, session, person)
    done = await finish(
        client, world, secret, {"newPassword": NEW_PASSWORD, "deleteAccessTokens": False}
    )
    assert done.status_code == 201
    assert (await api.get("/users/me", token=person.token, company=None)).status_code == 200


async def test_finish_refuses_bad_input_and_keeps_the_link(
    api: Api, client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    person = await world.person("Careful")
    secret = await link_for(api, session, person)
    cases: list[tuple[Any, str]] = [
        ({"newPassword": "short", "deleteAccessTokens": True}, "newPassword"),
        ({"newPassword": "x" * 1025, "deleteAccessTokens": True}, "newPassword"),
        ({"newPassword": NEW_PASSWORD}, "deleteAccessTokens"),
        ({"newPassword": NEW_PASSWORD, "deleteAccessTokens": "yes"}, "deleteAccessTokens"),
        ({"deleteAccessTokens": True}, "newPassword"),
    ]
    for body, prop in cases:
        refused = await finish(client, world, secret, body)
        assert refused.status_code == 400 and error_props(refused) == {prop}, body
        assert "short" not in str(errors(refused))
    headers = link_headers(secret, branding=False) | {"Api-Application": world.application_id}
    no_branding = await client.post(
        "/access-recover/me/finish",
        json={"newPassword": NEW_PASSWORD, "deleteAccessTokens": True},
        headers=headers,
    )
    assert no_branding.status_code == 400 and error_props(no_branding) == {"Api-Branding"}
    assert await can_log_in(api, person.email, PASSWORD)
    assert (await api.get("/access-recover/me", token=secret, company=None)).status_code == 200


async def test_cancelling_retires_the_link(
    api: Api, client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    person = await world.person("Changed Mind")
    secret = await link_for(api, session, person)
    cancelled = await api.delete("/access-recover/me", token=secret, company=None)
    assert cancelled.status_code == 200 and cancelled.json()["data"] is None
    headers = link_headers(secret) | {"Api-Application": world.application_id}
    again = await client.delete("/access-recover/me", headers=headers)
    assert again.status_code == 410
    used = await finish(
        client, world, secret, {"newPassword": NEW_PASSWORD, "deleteAccessTokens": True}
    )
    assert used.status_code == 410
    assert await can_log_in(api, person.email, PASSWORD)


async def test_a_newer_e_mail_retires_the_older_link_and_links_expire(
    api: Api, world: World, session: AsyncSession
) -> None:
    person = await world.person("Impatient")
    first = await link_for(api, session, person)
    second = await link_for(api, session, person)
    assert (await api.get("/access-recover/me", token=first, company=None)).status_code == 410
    assert (await api.get("/access-recover/me", token=second, company=None)).status_code == 200
    await expire(session, second)
    assert (await api.get("/access-recover/me", token=second, company=None)).status_code == 410
    unknown = await api.get("/access-recover/me", token="y" * 43, company=None)
    assert unknown.status_code == 401


async def test_a_registration_link_is_no_reset_link(
    api: Api, world: World, session: AsyncSession
) -> None:
    await api.post(
        "/registrations",
        token=None,
        company=None,
        branding=BRANDING,
        json={
            "companyName": "Acme",
            "name": "Ann",
            "emailAddress": "ann@example.com",
            "password": NEW_PASSWORD,
        },
    )
    (mail,) = await mails(session)
    secret = secret_in(mail, "registrations")
    assert (await api.get("/access-recover/me", token=secret, company=None)).status_code == 401


async def test_request_bad_input_names_the_property(api: Api, session: AsyncSession) -> None:
    for body, prop in (
        ({}, "emailAddress"),
        ({"emailAddress": "no-at-sign"}, "emailAddress"),
        ({"emailAddress": "a@example.com", "extra": 1}, "extra"),
    ):
        response = await api.post(
            "/access-recover", token=None, company=None, branding=BRANDING, json=body
        )
        assert response.status_code == 400 and error_props(response) == {prop}
    no_branding = await api.post(
        "/access-recover", token=None, company=None, json={"emailAddress": "a@example.com"}
    )
    assert no_branding.status_code == 400 and error_props(no_branding) == {"Api-Branding"}
    assert await mails(session) == []


async def test_requests_are_throttled_alike_for_known_and_unknown_addresses(
    api: Api, world: World, session: AsyncSession
) -> None:
    person = await world.person("Hammered")
    for address in (person.email, "unknown.person@example.com"):
        answers = [(await ask(api, address)).status_code for _ in range(6)]
        assert answers == [201] * 5 + [429]
    limited = await ask(api, person.email)
    assert limited.headers["Retry-After"].isdigit()
    assert errors(limited)[0]["message"].startswith("Too many requests; try again in")
    assert len(await mails(session, recipient=person.email)) == 5


async def test_notify_password_changed_queues_the_notice(
    world: World, session: AsyncSession, settings: Any
) -> None:
    person = await world.person("Changer")
    await recover_service.notify_password_changed(session, settings, person.user, BRANDING)
    await recover_service.notify_password_changed(session, settings, person.user, None)
    notices = await mails(session, kind="password_changed")
    assert [n.recipient for n in notices] == [person.email] * 2
    assert "Changer" in notices[0].text


async def test_a_reset_lifts_the_failed_log_in_block(
    api: Api, client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    person = await world.person("Locked Out")
    for _ in range(10):  # the per-account budget (IXON_LOGIN_LIMIT_PER_ACCOUNT)
        assert not await can_log_in(api, person.email, "a wrong guess")
    blocked = await api.post(
        "/access-tokens",
        token=None,
        company=None,
        json={"expiresIn": 600},
        headers={"Authorization": basic(person.email, PASSWORD)},
    )
    assert blocked.status_code == 429
    secret = await link_for(api, session, person)
    done = await finish(
        client, world, secret, {"newPassword": NEW_PASSWORD, "deleteAccessTokens": False}
    )
    assert done.status_code == 201
    assert await can_log_in(api, person.email, NEW_PASSWORD)
