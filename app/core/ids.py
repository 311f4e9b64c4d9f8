"""Public identifiers: 12 characters of [0-9A-Za-z], companies as dddd-dddd-dddd-dddd-dddd."""

from __future__ import annotations

import os
import re
import secrets
import string
import threading

ALPHABET = string.digits + string.ascii_letters
PUBLIC_ID_RE = re.compile(r"^[0-9A-Za-z]{12}$")
COMPANY_ID_RE = re.compile(r"^(\d{4}-){4}\d{4}$")


# Random bytes below 248 (4 x 62) map evenly onto the alphabet; the others are dropped. One
# `translate` per string instead of a `secrets.choice` per character: bulk writes make tens of
# thousands of ids (rows and their audit events) in one request.
_TO_ALPHABET = bytes(ord(ALPHABET[b % len(ALPHABET)]) for b in range(256))
_UNEVEN = bytes(range(4 * len(ALPHABET), 256))


# Characters are drawn from the system's generator a few kilobytes at a time (one system call
# for hundreds of ids); a forked child starts with none of its parent's.
_spare = bytearray()
_lock = threading.Lock()
os.register_at_fork(after_in_child=_spare.clear)


def _random(length: int) -> str:
    with _lock:
        while len(_spare) < length:
            _spare.extend(secrets.token_bytes(4096).translate(_TO_ALPHABET, _UNEVEN))
        drawn = bytes(_spare[:length])
        del _spare[:length]
    return drawn.decode()


def public_id() -> str:
    return _random(12)


def company_id() -> str:
    digits = "".join(secrets.choice(string.digits) for _ in range(20))
    return "-".join(digits[i : i + 4] for i in range(0, 20, 4))


def secret(length: int = 32) -> str:
    """A bearer secret (access token, service-account token, link token)."""
    return _random(length)
