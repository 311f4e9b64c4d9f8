"""Turning 2FA on for a person through the API, with pyotp playing the authenticator app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp

from tests.helpers import Api, Person

BRANDING = "portal.ixon.cloud"


class App(pyotp.TOTP):
    """An authenticator app; IXON's 16-character secrets are 80 bits (pyotp wants 112)."""

    min_secret_length_bits = 80


def code(secret: str, *, steps: int = 0) -> str:
    """The app's code now, or ``steps`` 30-second steps before or after."""
    return App(secret).at(datetime.now(UTC) + timedelta(seconds=30 * steps))


async def turn_on(api: Api, person: Person, device: str = "Pixel 9") -> str:
    enabled = await api.post("/users/me/otp-auth/enable", token=person.token, company=None)
    assert enabled.status_code == 201, enabled.text
    secret = str(enabled.json()["data"]["secret"])
    verified = await api.post(
        "/users/me/otp-auth/verify",
        token=person.token,
        company=None,
        branding=BRANDING,
        # The step before now: the tests that follow may use the current code once more.
        json={"oneTimePassword": code(secret, steps=-1), "deviceName": device},
    )
    assert verified.status_code == 201, verified.text
    return secret
