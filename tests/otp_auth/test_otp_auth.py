"""Two-factor authentication end to end, pyotp computing the codes: enable, verify, log-in
with and without a code, wrong and replayed codes, clock drift, disable, enforce2fa, the
administrator's reset, and the throttling of wrong codes."""

from __future__ import annotations

import base64
import re

import httpx
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.otp_auth.models import OtpAuth
from tests.helpers import Api, World, basic, errors
from tests.otp_auth.support import BRANDING, code, turn_on
from tests.registrations.support import mails


async def _log_in(api: Api, email: str, password: str, otp: str = "") -> httpx.Response:
    return await api.post(
        "/access-tokens",
        token=None,
        company=None,
        json={"expiresIn": 3600},
        headers={"Authorization": basic(email, password, otp)},
    )


def _messages(response: httpx.Response) -> str:
    return ", ".join(e["message"] for e in errors(response))


async def test_enable_answers_a_pending_16_character_base32_secret(
    api: Api, world: World, session: AsyncSession
) -> None:
    person = await world.person("Otto")
    response = await api.post("/users/me/otp-auth/enable", token=person.token, company=None)
    assert response.status_code == 201, response.text
    secret = response.json()["data"]["secret"]
    assert re.fullmatch(r"[A-Z2-7]{16}", secret)
    row = await session.scalar(select(OtpAuth).where(OtpAuth.user_id == person.user.id))
    assert row is not None and row.verified_on is None
    assert secret not in row.secret_encrypted  # stored encrypted, not in plain text
    # Pending: log-in still needs no code.
    assert (await _log_in(api, person.email, person.password)).status_code == 201
    me = await api.get("/users/me", token=person.token, company=None, params={"fields": "otpAuth"})
    assert me.json()["data"]["otpAuth"]["registeredOn"] is None


async def test_verify_turns_it_on_and_tells_the_user(
    api: Api, world: World, session: AsyncSession
) -> None:
    person = await world.person("Vera")
    enabled = await api.post("/users/me/otp-auth/enable", token=person.token, company=None)
    secret = enabled.json()["data"]["secret"]
    verify = {"oneTimePassword": "000000", "deviceName": "Phone"}
    if verify["oneTimePassword"] in {code(secret, steps=s) for s in (-1, 0, 1)}:
        verify["oneTimePassword"] = "999999"
    wrong = await api.post(
        "/users/me/otp-auth/verify",
        token=person.token,
        company=None,
        branding=BRANDING,
        json=verify,
    )
    assert wrong.status_code == 400 and errors(wrong)[0]["propertyName"] == "oneTimePassword"
    missing = await api.post(
        "/users/me/otp-auth/verify",
        token=person.token,
        company=None,
        json={"oneTimePassword": code(secret), "deviceName": "Phone"},
    )
    assert missing.status_code == 400  # Api-Branding is required (IXON sends a notice)
    right = await api.post(
        "/users/me/otp-auth/verify",
        token=person.token,
        company=None,
        branding=BRANDING,
        json={"oneTimePassword": code(secret), "deviceName": "Phone"},
    )
    assert right.status_code == 201, right.text
    me = await api.get("/users/me", token=person.token, company=None, params={"fields": "otpAuth"})
    otp = me.json()["data"]["otpAuth"]
    assert otp["deviceName"] == "Phone" and otp["type"] == "app" and otp["registeredOn"]
    notices = await mails(session, kind="otp_enabled", recipient=person.email)
    assert len(notices) == 1 and "Phone" in notices[0].text
    again = await api.post("/users/me/otp-auth/enable", token=person.token, company=None)
    assert again.status_code == 409


async def test_log_in_needs_the_code_once_it_is_on(api: Api, world: World) -> None:
    person = await world.person("Lina")
    secret = await turn_on(api, person)
    without = await _log_in(api, person.email, person.password)
    assert without.status_code == 401
    assert _messages(without) == "Two Factor Authentication required"
    wrong_code = next(c for c in ("123456", "654321") if c != code(secret))
    wrong = await _log_in(api, person.email, person.password, wrong_code)
    assert wrong.status_code == 401 and _messages(wrong) == "Two Factor Authentication failed"
    bad_password = await _log_in(api, person.email, "not the password", code(secret))
    assert bad_password.status_code == 401 and "Two Factor" not in _messages(bad_password)
    # The same string twice: a code computed again may already be the next step's.
    current = code(secret)
    right = await _log_in(api, person.email, person.password, current)
    assert right.status_code == 201, right.text
    replayed = await _log_in(api, person.email, person.password, current)
    assert replayed.status_code == 401 and _messages(replayed) == "Two Factor Authentication failed"


async def test_one_step_of_clock_drift_either_way_is_accepted(api: Api, world: World) -> None:
    person = await world.person("Drift")
    secret = await turn_on(api, person)  # used the code of the step before now
    ahead = await _log_in(api, person.email, person.password, code(secret, steps=1))
    assert ahead.status_code == 201, ahead.text
    # The code of now is older than the one just used: a replay window cannot reopen.
    older = await _log_in(api, person.email, person.password, code(secret))
    assert older.status_code == 401
    person2 = await world.person("Drift Two")
    enabled = await api.post("/users/me/otp-auth/enable", token=person2.token, company=None)
    secret2 = enabled.json()["data"]["secret"]
    too_far = await api.post(
        "/users/me/otp-auth/verify",
        token=person2.token,
        company=None,
        branding=BRANDING,
        json={"oneTimePassword": code(secret2, steps=-3), "deviceName": "Old phone"},
    )
    if code(secret2, steps=-3) not in {code(secret2, steps=s) for s in (-1, 0, 1)}:
        assert too_far.status_code == 400


async def test_url_safe_basic_with_a_code_logs_in(api: Api, world: World) -> None:
    person = await world.person("Safe")
    secret = await turn_on(api, person)
    raw = f"{person.email}:{code(secret)}:{person.password}".encode()
    response = await api.post(
        "/access-tokens",
        token=None,
        company=None,
        json={"expiresIn": 60},
        headers={"Authorization": "Basic " + base64.urlsafe_b64encode(raw).decode()},
    )
    assert response.status_code == 201, response.text


async def test_disable_needs_a_code_or_the_password(
    api: Api, world: World, session: AsyncSession
) -> None:
    person = await world.person("Dee")
    secret = await turn_on(api, person)
    path = "/users/me/otp-auth/disable"
    token_only = await api.post(path, token=person.token, company=None, branding=BRANDING)
    assert token_only.status_code == 400  # a stolen token alone cannot remove 2FA
    wrong = await api.post(
        path, token=person.token, company=None, branding=BRANDING, json={"password": "guessing!"}
    )
    assert wrong.status_code == 400 and errors(wrong)[0]["propertyName"] == "password"
    no_branding = await api.post(
        path, token=person.token, company=None, json={"password": person.password}
    )
    assert no_branding.status_code == 400
    still_on = await _log_in(api, person.email, person.password)
    assert _messages(still_on) == "Two Factor Authentication required"
    done = await api.post(
        path,
        token=person.token,
        company=None,
        branding=BRANDING,
        json={"oneTimePassword": code(secret)},
    )
    assert done.status_code == 201, done.text
    assert (await _log_in(api, person.email, person.password)).status_code == 201
    assert len(await mails(session, kind="otp_disabled", recipient=person.email)) == 1
    again = await api.post(
        path,
        token=person.token,
        company=None,
        branding=BRANDING,
        json={"password": person.password},
    )
    assert again.status_code == 400


async def test_the_password_also_turns_it_off(api: Api, world: World) -> None:
    person = await world.person("Pat")
    await turn_on(api, person)
    done = await api.post(
        "/users/me/otp-auth/disable",
        token=person.token,
        company=None,
        branding=BRANDING,
        json={"password": person.password},
    )
    assert done.status_code == 201, done.text
    assert (await _log_in(api, person.email, person.password)).status_code == 201


async def test_wrong_codes_are_throttled_like_passwords(
    api: Api, world: World, app: FastAPI
) -> None:
    person = await world.person("Brute")
    secret = await turn_on(api, person)
    wrong = next(
        c for c in ("111111", "222222") if c not in {code(secret, steps=s) for s in (-1, 0, 1)}
    )
    limit = app.state.login_limiter.policy.pair.amount  # IXON_LOGIN_LIMIT_PER_ACCOUNT_CLIENT
    statuses = [
        (await _log_in(api, person.email, person.password, wrong)).status_code
        for _ in range(limit + 1)
    ]
    assert statuses[:limit] == [401] * limit and statuses[limit] == 429
    # The budget is the account's: the right code is refused too until it refills.
    assert (await _log_in(api, person.email, person.password, code(secret))).status_code == 429
