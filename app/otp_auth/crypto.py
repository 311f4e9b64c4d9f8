"""TOTP secrets at rest: encrypted with a key derived from `IXON_SECRET_KEY` (HKDF-SHA256,
Fernet). TOTP needs the secret itself to compute codes, so it cannot be hashed.

The key is configured when the app is built (`create_app`); code outside the app (the command
line) falls back to the environment's settings. Changing `IXON_SECRET_KEY` makes the stored
secrets unreadable: those users then need an administrator's reset.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_configured: list[str] = []


def configure(secret_key: str) -> None:
    _configured[:] = [secret_key]


# One key per purpose (HKDF info), so a stored secret of one kind never decrypts as another.
OTP, WEBHOOK = "otp secret", "webhook secret"


@lru_cache(maxsize=8)
def _fernet(secret_key: str, purpose: str = OTP) -> Fernet:
    info = f"ixon-api {purpose}".encode()
    key = HKDF(algorithm=SHA256(), length=32, salt=None, info=info).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _box(purpose: str) -> Fernet:
    if _configured:
        return _fernet(_configured[0], purpose)
    from app.config import get_settings

    return _fernet(get_settings().secret_key, purpose)


def encrypt(secret: str, purpose: str = OTP) -> str:
    return _box(purpose).encrypt(secret.encode()).decode()


def decrypt(stored: str, purpose: str = OTP) -> str | None:
    """The secret, or None when it was encrypted under another key."""
    try:
        return _box(purpose).decrypt(stored.encode()).decode()
    except InvalidToken:
        return None
