"""Secrets: argon2id password hashes, token hashes, signed action tokens.

Password hashing is deliberately slow, so it runs in a thread pool bounded by the core count:
a burst of log-ins queues there instead of stalling the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, TypedDict

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from jose import JWTError, jwt


class Hashing(TypedDict):
    time_cost: int
    memory_cost: int  # KiB
    parallelism: int


# OWASP's minimum for argon2id: 19 MiB, 2 iterations, 1 lane.
PRODUCTION_HASHING: Hashing = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
_hasher = PasswordHasher(**PRODUCTION_HASHING)
# Verified when the e-mail is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("timing-equaliser")
_pool: ThreadPoolExecutor | None = None


def configure_hashing(*, time_cost: int, memory_cost: int, parallelism: int) -> None:
    """Other argon2 parameters; the test suite uses cheap ones (hashes made before still verify)."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    _DUMMY_HASH = _hasher.hash("timing-equaliser")


def usable_cores() -> int:
    """The cores this process may run on (a worker pinned to one core has one), not the
    machine's: two memory-hard hashes sharing one core only evict each other from its cache."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def configure_pool(threads: int = 0) -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False)
    _pool = ThreadPoolExecutor(max_workers=threads or usable_cores(), thread_name_prefix="argon2")


def _executor() -> ThreadPoolExecutor:
    if _pool is None:
        configure_pool()
    assert _pool is not None
    return _pool


async def hash_password(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_executor(), _hasher.hash, password)


def _verify(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(stored: str | None, password: str) -> bool:
    """False for a wrong password and for no account (``stored`` None), in the same time."""
    return await asyncio.get_running_loop().run_in_executor(_executor(), _verify, stored, password)


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


def token_hash(secret: str) -> str:
    """Bearer secrets are 32 random characters: a plain SHA-256 is enough to store them."""
    return hashlib.sha256(secret.encode()).hexdigest()


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


ALGORITHM = "HS256"


def sign(claims: dict[str, Any], key: str, expires: datetime) -> str:
    """A signed, expiring token (python-jose); callers store only its hash to make it single use."""
    return str(jwt.encode({**claims, "exp": int(expires.timestamp())}, key, algorithm=ALGORITHM))


def unsign(token: str, key: str) -> dict[str, Any] | None:
    """The claims of a token this service signed and that has not expired, else None."""
    try:
        claims: dict[str, Any] = jwt.decode(token, key, algorithms=[ALGORITHM])
    except JWTError:
        return None
    return claims
