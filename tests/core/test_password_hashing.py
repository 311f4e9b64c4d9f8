"""The suite hashes cheaply (tests/conftest.py); a server stores OWASP's argon2id minimum."""

from __future__ import annotations

import subprocess
import sys

from app.core import security


def test_a_server_hashes_passwords_with_argon2id_at_owasp_cost() -> None:
    script = (
        "import asyncio; from app.core import security; "
        "print(asyncio.run(security.hash_password('correct horse battery staple')))"
    )
    stored = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


async def test_hashes_made_at_other_parameters_still_verify_and_are_upgraded() -> None:
    cheap = await security.hash_password("correct horse battery staple")
    security.configure_hashing(**security.PRODUCTION_HASHING)
    try:
        assert await security.verify_password(cheap, "correct horse battery staple")
        assert security.needs_rehash(cheap)
    finally:
        security.configure_hashing(time_cost=1, memory_cost=8, parallelism=1)
