"""Codes (RFC 6238 through pyotp: 6 digits, 30-second steps, SHA-1, what authenticator apps
use) and which step a code belongs to, so that each step is accepted once."""

from __future__ import annotations

import base64
import hmac
import re
import secrets
from datetime import datetime

import pyotp


class Totp(pyotp.TOTP):
    """IXON's secrets have 16 Base32 characters (80 bits), below pyotp's default minimum of
    112: codes are still RFC 6238's, each accepted once, and wrong ones are throttled."""

    min_secret_length_bits = 80


DRIFT = 1  # steps either side of now: a phone clock 30 seconds off still works
_CODE = re.compile(r"^\d{6}$")


def new_secret() -> str:
    """16 Base32 characters (80 bits), the length IXON's `otp-auth/enable` answers."""
    return base64.b32encode(secrets.token_bytes(10)).decode()


def step_of(secret: str, code: str, now: datetime) -> int | None:
    """The step (now, or one either side) whose code ``code`` is; None if it is none of them."""
    code = code.replace(" ", "")
    if not _CODE.match(code):
        return None
    totp = Totp(secret)
    current = totp.timecode(now)
    for step in range(current - DRIFT, current + DRIFT + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The `otpauth://` URI an authenticator app reads from a QR code."""
    return Totp(secret).provisioning_uri(name=account, issuer_name=issuer)
