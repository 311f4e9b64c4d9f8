"""The portal's two-factor page: set-up with a QR code, a first code, signing in with a code,
turning it off; CSRF, throttling, replayed codes, the audit log and `enforce2fa`."""

from __future__ import annotations

import re

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.otp_auth import service as otp_service
from app.otp_auth.models import OtpAuth
from app.portal import service_texts
from app.users.models import User
from tests.helpers import Api, Person, World
from tests.otp_auth.support import code, turn_on
from tests.otp_auth.test_enforce_and_reset import _grant, _strict_role
from tests.portal.browser import Browser, heading, text
from tests.portal.conftest import SignIn
from tests.registrations.support import mails

PAGE = "/portal/account/two-factor"


async def _otp(world: World, person: Person) -> OtpAuth | None:
    async with world.sessionmaker() as session:
        return await session.scalar(select(OtpAuth).where(OtpAuth.user_id == person.user.id))


def _secret(html: str) -> str:
    found = re.search(r'<code id="secret" class="secret">([A-Z2-7 ]+)</code>', html)
    assert found, "the page shows no key"
    return found.group(1).replace(" ", "")


async def _started(browser: Browser) -> tuple[str, str]:
    """Presses "Set up": the page (now with the QR code and the key) and the key."""
    page = await browser.get(PAGE)
    started = await browser.submit(page, f"{PAGE}/start")
    assert started.status_code == 303 and started.headers["location"] == f"{PAGE}#verify"
    page = await browser.get(PAGE)
    return page.text, _secret(page.text)


async def test_a_person_turns_two_factor_on_with_the_qr_codes_key(
    world: World, signed_in: SignIn, session: AsyncSession
) -> None:
    person = await world.member(world.a, "Viewer", "Otto Factor")
    browser = await signed_in(person)
    off = await browser.get(PAGE)
    assert off.status_code == 200 and heading(off.text) == "Two-factor authentication"
    assert "Two-factor authentication is off" in text(off.text)
    assert 'href="/portal/account/two-factor" aria-current="page"' in off.text

    html, secret = await _started(browser)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert len(secret) == 16 and (await _otp(world, person)) is not None
    again = await browser.get(PAGE)  # a reload shows the same pending key
    assert _secret(again.text) == secret

    missing = await browser.submit(html, f"{PAGE}/verify", code="", device_name="")
    assert missing.status_code == 400
    assert "Enter the code from your authenticator app" in text(missing.text)
    assert "Enter a name for the device" in text(missing.text)
    wrong = await browser.submit(html, f"{PAGE}/verify", code="000000", device_name="Pixel")
    assert wrong.status_code == 400 and "The code is not right" in text(wrong.text)
    assert 'value="Pixel"' in wrong.text and _secret(wrong.text) == secret  # still pending
    otp = await _otp(world, person)
    assert otp is not None and otp.verified_on is None

    done = await browser.submit(html, f"{PAGE}/verify", code=code(secret), device_name="Pixel")
    assert done.status_code == 303 and done.headers["location"] == f"{PAGE}?done=two-factor-on"
    on = await browser.get(done.headers["location"])
    assert "Two-factor authentication is on." in text(on.text)
    assert "on Pixel" in text(on.text) and 'id="secret"' not in on.text
    otp = await _otp(world, person)
    assert otp is not None and otp.verified_on is not None and otp.device_name == "Pixel"
    assert len(await mails(session, kind="otp_enabled", recipient=person.email)) == 1
    # The portal's writes are the person's in the audit log, through the portal application.
    events = (
        await session.scalars(
            select(AuditEvent).where(
                AuditEvent.target == "OtpAuth", AuditEvent.topic_user == person.id
            )
        )
    ).all()
    assert events and {(e.actor_id, e.application_name) for e in events} == {
        (person.id, "Account portal")
    }
    assert {e.company for e in events} == {world.a.id}


async def test_signing_in_asks_for_the_code_and_takes_each_code_once(
    api: Api, world: World, browser: Browser, signed_in: SignIn
) -> None:
    person = await world.member(world.a, "Viewer")
    secret = await turn_on(api, person)
    without = await browser.sign_in(person.email, person.password)
    assert without.status_code == 401 and browser.session_cookie() is None
    assert "Two-factor authentication is on for this account" in text(without.text)
    assert 'href="#code"' in without.text and 'id="code-error"' in without.text
    assert f'value="{person.email}"' in without.text
    wrong = await browser.sign_in(person.email, person.password, "123456")
    assert wrong.status_code == 401 and "The code is not right" in text(wrong.text)
    bad_password = await browser.sign_in(person.email, "not it", code(secret))
    assert "The e-mail address or password is incorrect" in text(bad_password.text)

    now = code(secret)
    signed = await browser.sign_in(person.email, person.password, now)
    assert signed.status_code == 303 and browser.session_cookie()
    page = await browser.get("/portal/account/companies")
    assert page.status_code == 200
    await browser.submit(page, "/portal/account/sign-out")
    replayed = await browser.sign_in(person.email, person.password, now)
    assert replayed.status_code == 401 and "used already" in text(replayed.text)
    later = await browser.sign_in(person.email, person.password, code(secret, steps=1))
    assert later.status_code == 303 and browser.session_cookie()
    async with world.sessionmaker() as session:
        sessions = (
            await session.scalars(
                select(AuditEvent).where(
                    AuditEvent.target == "AccessToken",
                    AuditEvent.action == "CREATE",
                    AuditEvent.topic_user == person.id,
                )
            )
        ).all()
    # Two sign-ins, as the API's log-in records them, under the portal's application.
    assert [e.application_name for e in sessions][-2:] == ["Account portal"] * 2


async def _turned_on(browser: Browser) -> str:
    html, secret = await _started(browser)
    done = await browser.submit(html, f"{PAGE}/verify", code=code(secret), device_name="Phone")
    assert done.status_code == 303, done.text
    return secret


async def test_turning_off_takes_a_fresh_code_or_the_password(
    world: World, signed_in: SignIn, session: AsyncSession
) -> None:
    person = await world.member(world.a, "Viewer")
    browser = await signed_in(person)
    secret = await _turned_on(browser)
    page = await browser.get(PAGE)
    assert "Turn off two-factor authentication" in text(page.text)
    nothing = await browser.submit(page, f"{PAGE}/disable")
    assert nothing.status_code == 400 and "or your password" in text(nothing.text)
    replayed = await browser.submit(page, f"{PAGE}/disable", code=code(secret))
    assert replayed.status_code == 400 and "The code is not right" in text(replayed.text)
    wrong = await browser.submit(page, f"{PAGE}/disable", password="not the password")
    assert wrong.status_code == 400 and "The password is incorrect" in text(wrong.text)
    huge = await browser.submit(page, f"{PAGE}/disable", password="x" * 2000)
    assert huge.status_code == 400 and "The password is not correct" in text(huge.text)
    assert (await _otp(world, person)) is not None

    off = await browser.submit(page, f"{PAGE}/disable", password=person.password)
    assert off.status_code == 303 and off.headers["location"] == f"{PAGE}?done=two-factor-off"
    assert "Two-factor authentication is off." in text(
        (await browser.get(off.headers["location"])).text
    )
    assert await _otp(world, person) is None
    assert len(await mails(session, kind="otp_disabled", recipient=person.email)) == 1
    again = await browser.submit(page, f"{PAGE}/disable", password=person.password)
    assert again.status_code == 409 and "off already" in text(again.text)

    # On again (a new key), and off with a code of a later step than the one that turned it on.
    second = await _turned_on(browser)
    assert second != secret
    page = await browser.get(PAGE)
    off = await browser.submit(page, f"{PAGE}/disable", code=code(second, steps=1))
    assert off.status_code == 303 and await _otp(world, person) is None


async def test_a_set_up_can_be_cancelled_and_started_again(world: World, signed_in: SignIn) -> None:
    person = await world.member(world.a, "Viewer")
    browser = await signed_in(person)
    html, secret = await _started(browser)
    cancelled = await browser.submit(html, f"{PAGE}/disable")
    assert cancelled.headers["location"] == f"{PAGE}?done=two-factor-cancelled"
    assert await _otp(world, person) is None
    late = await browser.submit(html, f"{PAGE}/verify", code=code(secret), device_name="Phone")
    assert late.status_code == 409 and "The set-up was cancelled" in text(late.text)
    _, fresh = await _started(browser)
    assert fresh != secret


async def test_wrong_codes_are_throttled_by_the_log_in_limiter(
    world: World, signed_in: SignIn
) -> None:
    person = await world.member(world.a, "Viewer")
    browser = await signed_in(person)
    html, secret = await _started(browser)
    for _ in range(5):  # IXON_LOGIN_LIMIT_PER_ACCOUNT_CLIENT: 5 failures in 15 minutes
        wrong = await browser.submit(html, f"{PAGE}/verify", code="000000", device_name="P")
        assert wrong.status_code == 400
    blocked = await browser.submit(html, f"{PAGE}/verify", code=code(secret), device_name="P")
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    assert "Too many failed two-factor codes" in text(blocked.text)
    otp = await _otp(world, person)
    assert otp is not None and otp.verified_on is None


async def test_a_role_that_enforces_two_factor_sends_every_page_to_it(
    api: Api, world: World, signed_in: SignIn
) -> None:
    person = await world.member(world.a, "User", "Strict Sam")
    await _grant(api, world.a, person, await _strict_role(api, world.a))
    browser = await signed_in(person)
    for path in ("/portal/account/companies", "/portal/account/profile", "/portal/account/users"):
        sent = await browser.get(path)
        assert sent.status_code == 303 and sent.headers["location"] == PAGE, path
    page = await browser.get(PAGE)
    assert page.status_code == 200 and "A role of yours in Company A requires" in text(page.text)
    assert 'href="/portal/account/profile"' not in page.text  # the menu holds this page only
    saved = await browser.submit(page, "/portal/account/profile", name="Other", language="en")
    assert saved.status_code == 303 and saved.headers["location"] == PAGE

    await _turned_on(browser)
    assert (await browser.get("/portal/account/companies")).status_code == 200
    page = await browser.get(PAGE)
    assert "A role of yours" not in text(page.text) and "Working in Company A" in text(page.text)
    out = await browser.submit(page, "/portal/account/sign-out")
    assert out.headers["location"] == "/portal/?done=signed-out"


async def test_a_locked_visit_can_sign_out(api: Api, world: World, signed_in: SignIn) -> None:
    person = await world.member(world.a, "User")
    await _grant(api, world.a, person, await _strict_role(api, world.a))
    browser = await signed_in(person)
    page = await browser.get(PAGE)
    out = await browser.submit(page, "/portal/account/sign-out")
    assert out.status_code == 303 and out.headers["location"] == "/portal/?done=signed-out"
    assert (await browser.get(PAGE)).status_code == 303  # to sign in


async def test_csrf_is_checked_on_every_two_factor_form(world: World, signed_in: SignIn) -> None:
    person = await world.member(world.a, "Viewer")
    browser = await signed_in(person)
    for action in ("start", "verify", "disable"):
        forged = await browser.client.post(
            f"{PAGE}/{action}", data={"code": "123456", "device_name": "x", "password": "x"}
        )
        assert forged.status_code == 403, action
        assert "This form has expired" in text(forged.text)
    assert await _otp(world, person) is None


def test_the_services_messages_are_translated() -> None:
    for message in (otp_service.WRONG_CODE, otp_service.ALREADY_ON, otp_service.NOT_ON):
        assert message in service_texts.MESSAGES


async def test_the_page_and_the_services_messages_speak_the_accounts_language(
    world: World, signed_in: SignIn
) -> None:
    person = await world.member(world.a, "Viewer")
    async with world.sessionmaker() as session:
        await session.execute(update(User).where(User.id == person.user.id).values(language="nl"))
        await session.commit()
    browser = await signed_in(person)
    page = await browser.get(PAGE)
    assert page.headers["content-language"] == "nl"
    assert "Tweestapsverificatie instellen" in text(page.text)
    html, _ = await _started(browser)
    wrong = await browser.submit(html, f"{PAGE}/verify", code="000000", device_name="Telefoon")
    assert "De code klopt niet; vul de actuele code" in text(wrong.text)
