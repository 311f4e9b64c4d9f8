"""Public identifiers: 12 characters of [0-9A-Za-z], companies as dddd-dddd-dddd-dddd-dddd."""

from __future__ import annotations

import re
import secrets
import string

ALPHABET = string.digits + string.ascii_letters
PUBLIC_ID_RE = re.compile(r"^[0-9A-Za-z]{12}$")
COMPANY_ID_RE = re.compile(r"^(\d{4}-){4}\d{4}$")


def public_id() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(12))


def company_id() -> str:
    digits = "".join(secrets.choice(string.digits) for _ in range(20))
    return "-".join(digits[i : i + 4] for i in range(0, 20, 4))


def secret(length: int = 32) -> str:
    """A bearer secret (access token, service-account token, link token)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))
