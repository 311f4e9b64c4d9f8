"""The page the confirmation e-mail opens: shows, and completes only on a POST from itself."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.registrations.models import Registration
from app.users import service as user_service
from tests.helpers import Api
from tests.registrations.support import csrf_of, expire, heading
from tests.registrations.test_registrations import registered


async def test_the_page_shows_the_registration_and_changes_nothing(
    api: Api, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    secret = await registered(api, session)  # in Dutch: its page is in Dutch
    for _ in range(2):
        shown = await client.get(f"/portal/registrations/{secret}")
        assert shown.status_code == 200 and heading(shown) == "Voltooi je registratie"
    for text in ("Acme", "Ann Example", "ann@example.com", ">Registratie voltooien</button>"):
        assert text in shown.text
    assert f'action="/portal/registrations/{secret}/finish"' in shown.text
    assert shown.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in shown.headers["content-security-policy"]
    assert "<script" not in shown.text and 'name="viewport"' in shown.text
    assert (await session.scalars(select(Registration.status))).one() == "pending"
    assert await user_service.by_email(session, "ann@example.com") is None


async def test_completing_needs_the_page_s_csrf_token_and_cookie(
    api: Api, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    secret = await registered(api, session)
    url = f"/portal/registrations/{secret}/finish"
    assert (await client.post(url)).status_code == 403
    assert (await client.post(url, data={"csrf_token": "forged"})).status_code == 403
    token = csrf_of(await client.get(f"/portal/registrations/{secret}"))
    cookies = dict(client.cookies)
    client.cookies.clear()
    refused = await client.post(url, data={"csrf_token": token})
    assert refused.status_code == 403 and heading(refused) == "This form has expired"
    assert await user_service.by_email(session, "ann@example.com") is None

    client.cookies.update(cookies)
    done = await client.post(url, data={"csrf_token": token})
    assert done.status_code == 200 and heading(done) == "Je registratie is voltooid"
    assert 'href="http://testserver/portal/"' in done.text
    assert await user_service.by_email(session, "ann@example.com") is not None

    again = await client.post(url, data={"csrf_token": token})
    assert again.status_code == 410
    assert heading(again) == "This link has been used already"
    assert "If you completed your registration, log in" in again.text
    assert (await client.get(f"/portal/registrations/{secret}")).status_code == 410


async def test_a_token_from_another_link_is_refused(
    api: Api, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    first = await registered(api, session, "one@example.com")
    second = await registered(api, session, "two@example.com")
    token = csrf_of(await client.get(f"/portal/registrations/{first}"))
    refused = await client.post(
        f"/portal/registrations/{second}/finish", data={"csrf_token": token}
    )
    assert refused.status_code == 403
    assert await user_service.by_email(session, "two@example.com") is None


async def test_unknown_and_expired_links_get_their_own_pages(
    api: Api, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    unknown = await client.get("/portal/registrations/not-a-link")
    assert unknown.status_code == 404 and heading(unknown) == "This link is not valid"
    secret = await registered(api, session)
    page = await client.get(f"/portal/registrations/{secret}")
    await expire(session, secret)
    expired = await client.get(f"/portal/registrations/{secret}")
    assert expired.status_code == 410 and heading(expired) == "This link has expired"
    assert "Register again" in expired.text
    posted = await client.post(
        f"/portal/registrations/{secret}/finish", data={"csrf_token": csrf_of(page)}
    )
    assert posted.status_code == 410
    assert await user_service.by_email(session, "ann@example.com") is None


async def test_an_address_taken_meanwhile_gets_a_409_page(
    api: Api, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    first = await registered(api, session, "twice@example.com")
    second = await registered(api, session, "twice@example.com")
    token = csrf_of(await client.get(f"/portal/registrations/{first}"))
    assert (
        await api.post("/registrations/me/finish", token=second, company=None)
    ).status_code == 201
    conflict = await client.post(
        f"/portal/registrations/{first}/finish", data={"csrf_token": token}
    )
    assert conflict.status_code == 409
    assert heading(conflict) == "This e-mail address is already in use"
    # The refused attempt changed nothing: the link still opens its page.
    assert (await client.get(f"/portal/registrations/{first}")).status_code == 200
