"""Signing in to the account portal, and every way a session ends."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import select, update

from app.access_tokens.models import AccessToken
from app.applications.models import Application
from app.core.clock import utcnow
from tests.helpers import Api, World
from tests.portal.browser import Browser, heading, text
from tests.portal.conftest import SignIn


async def _portal_tokens(world: World, user_id: int) -> list[AccessToken]:
    async with world.sessionmaker() as session:
        stmt = (
            select(AccessToken)
            .join(Application, AccessToken.application_id == Application.id)
            .where(AccessToken.user_id == user_id, Application.system_key == "portal")
        )
        return list((await session.scalars(stmt)).all())


async def test_a_person_signs_in_and_out(browser: Browser, world: World) -> None:
    admin = world.a.admin
    home = await browser.get("/portal/")
    assert home.status_code == 200 and heading(home.text) == "Sign in to IXON Cloud"
    assert 'action="/portal/sign-in"' in home.text

    signed = await browser.sign_in(admin.email.upper(), admin.password)
    assert signed.status_code == 303 and signed.headers["location"] == "/portal/account/"
    cookie = next(c for c in signed.headers.get_list("set-cookie") if "ixon_portal_session=" in c)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/portal" in cookie
    assert "Secure" not in cookie  # served over http here (see the https test below)
    # The session is an access token of the portal's application, stored as a hash only.
    [token] = await _portal_tokens(world, admin.user.id)
    secret = browser.session_cookie()
    assert secret and token.secret_hash != secret and secret not in token.secret_hash

    page = await browser.get("/portal/account/companies")
    assert page.status_code == 200 and "Company A" in text(page.text)
    assert (await browser.get("/portal/")).headers["location"] == "/portal/account/"

    out = await browser.submit(page, "/portal/account/sign-out")
    assert out.status_code == 303 and out.headers["location"] == "/portal/?done=signed-out"
    assert await _portal_tokens(world, admin.user.id) == []
    after = await browser.get("/portal/?done=signed-out")
    assert "You have signed out." in text(after.text)
    # The old cookie, sent again (say, from a copy), opens nothing.
    browser.client.cookies.set("ixon_portal_session", secret, path="/portal")
    again = await browser.get("/portal/account/companies")
    assert again.status_code == 303
    assert again.headers["location"].startswith("/portal/?next=/portal/account/companies")


async def test_a_wrong_password_is_a_page_and_the_api_log_in_throttles_it(
    browser: Browser, world: World
) -> None:
    admin = world.a.admin
    wrong = await browser.sign_in(admin.email, "not the password")
    assert wrong.status_code == 401 and "text/html" in wrong.headers["content-type"]
    assert "The e-mail address or password is incorrect" in text(wrong.text)
    assert 'id="error-summary"' in wrong.text and "autofocus" in wrong.text
    assert f'value="{admin.email}"' in wrong.text  # typed again for them, the password not
    assert browser.session_cookie() is None
    for _ in range(9):  # IXON_LOGIN_LIMIT_PER_ACCOUNT: 10 failures in 5 minutes
        await browser.sign_in(admin.email, "not the password")
    blocked = await browser.sign_in(admin.email, admin.password)
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    assert "Too many failed log-ins" in text(blocked.text)
    assert browser.session_cookie() is None


async def test_empty_fields_are_named_without_asking_the_log_in(browser: Browser) -> None:
    response = await browser.sign_in("", "")
    assert response.status_code == 400
    assert "Enter your e-mail address." in text(response.text)
    assert "Enter your password." in text(response.text)
    assert 'href="#email"' in response.text and 'aria-invalid="true"' in response.text


async def test_sign_in_needs_the_pages_csrf_token(browser: Browser, world: World) -> None:
    admin = world.a.admin
    forged = await browser.client.post(
        "/portal/sign-in", data={"email": admin.email, "password": admin.password}
    )
    assert forged.status_code == 403 and "This form has expired" in text(forged.text)
    assert browser.session_cookie() is None and await _portal_tokens(world, admin.user.id) == []


async def test_after_sign_in_only_a_portal_page_is_a_destination(
    browser: Browser, world: World
) -> None:
    admin = world.a.admin
    home = await browser.get("/portal/?next=/portal/account/profile")
    assert 'name="next" value="/portal/account/profile"' in home.text
    to_profile = await browser.submit(
        home,
        "/portal/sign-in",
        email=admin.email,
        password=admin.password,
        next="/portal/account/profile",
    )
    assert to_profile.headers["location"] == "/portal/account/profile"
    for elsewhere in ("https://evil.example/", "//evil.example/portal/account/", "/docs"):
        page = await browser.get("/portal/account/companies")
        await browser.submit(page, "/portal/account/sign-out")
        home = await browser.get("/portal/")
        response = await browser.submit(
            home, "/portal/sign-in", email=admin.email, password=admin.password, next=elsewhere
        )
        assert response.headers["location"] == "/portal/account/", elsewhere


async def test_a_session_ends_when_its_token_is_deleted_through_the_api(
    api: Api, world: World, signed_in: SignIn
) -> None:
    browser = await signed_in(world.a.admin)
    [token] = await _portal_tokens(world, world.a.admin.user.id)
    deleted = await api.delete(f"/access-tokens/{token.public_id}", company=None)
    assert deleted.status_code == 200
    response = await browser.get("/portal/account/profile")
    assert response.status_code == 303
    assert response.headers["location"] == (
        "/portal/?next=/portal/account/profile&done=session-ended"
    )
    page = await browser.get(response.headers["location"])
    assert "Your session has ended" in text(page.text)


async def test_a_password_change_that_signs_out_everywhere_ends_portal_sessions(
    api: Api, world: World, signed_in: SignIn
) -> None:
    admin = world.a.admin
    browser = await signed_in(admin)
    changed = await api.post(
        "/users/me/password",
        company=None,
        branding="portal.ixon.cloud",
        json={
            "oldPassword": admin.password,
            "newPassword": "a new passphrase 2",
            "deleteAccessTokens": True,
        },
    )
    assert changed.status_code == 201, changed.text
    assert (await browser.get("/portal/account/companies")).status_code == 303


async def test_an_expired_session_sends_to_sign_in(world: World, signed_in: SignIn) -> None:
    browser = await signed_in(world.a.admin)
    async with world.sessionmaker() as session:
        await session.execute(
            update(AccessToken)
            .where(AccessToken.user_id == world.a.admin.user.id)
            .values(expires_on=utcnow())
        )
        await session.commit()
    response = await browser.get("/portal/account/companies")
    assert response.status_code == 303 and "session-ended" in response.headers["location"]
    cleared = response.headers.get_list("set-cookie")
    assert any(c.startswith("ixon_portal_session=") and "Max-Age=0" in c for c in cleared)


async def test_the_session_cookie_is_secure_over_https(app: FastAPI, world: World) -> None:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 50002))
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        browser = Browser(client)
        response = await browser.sign_in(world.a.admin.email, world.a.admin.password)
    cookie = next(c for c in response.headers.get_list("set-cookie") if "ixon_portal_session" in c)
    assert "Secure" in cookie and "HttpOnly" in cookie


async def test_a_disabled_portal_application_lets_no_one_in(
    browser: Browser, world: World, signed_in: SignIn
) -> None:
    signed = await signed_in(world.a.admin)
    async with world.sessionmaker() as session:
        await session.execute(
            update(Application).where(Application.system_key == "portal").values(enabled=False)
        )
        await session.commit()
    assert (await signed.get("/portal/account/companies")).status_code == 303
    refused = await browser.sign_in(world.a.admin.email, world.a.admin.password)
    assert refused.status_code == 403 and "turned off" in text(refused.text)
