"""E-mail address syntax (no DNS look-up), as `email_validator` has it, at bulk speed.

The validator spends most of its time on the domain (IDNA and Unicode checks, character by
character). A bulk invite names thousands of addresses at a handful of domains, so a plain
ASCII address is checked as its local part (dot-atom characters only, which the validator
keeps as typed) and its domain (validated once, with the validator, and remembered). Anything
else, and every address that fails, goes through the validator whole: its errors are the ones
the caller sees.
"""

from __future__ import annotations

import re
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

# RFC 5321 limits, which the validator holds too.
_LOCAL_MAX, _ADDRESS_MAX = 64, 254
_DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


@lru_cache(maxsize=4096)
def _domain(domain: str) -> str | None:
    """The validator's form of an ASCII domain; None when it refuses it."""
    try:
        return validate_email(f"a@{domain}", check_deliverability=False).domain
    except EmailNotValidError:
        return None


def _quick(address: str) -> str | None:
    local, at, domain = address.rpartition("@")
    if not at or not domain.isascii() or len(local) > _LOCAL_MAX:
        return None
    if not _DOT_ATOM.fullmatch(local):
        return None
    checked = _domain(domain)
    if checked is None:
        return None
    normalized = f"{local}@{checked}"
    return normalized if len(normalized) <= _ADDRESS_MAX else None


def normalized(address: str) -> str:
    """The address in the validator's normalised form; EmailNotValidError if it is not one."""
    return _quick(address) or validate_email(address, check_deliverability=False).normalized
