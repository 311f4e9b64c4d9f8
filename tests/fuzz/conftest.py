"""A live server per database backend for Schemathesis: a fresh database, migrated, a company
and its administrator made by `ixon-api bootstrap` (which also issues the access token the
run authenticates with), then `ixon-api serve` on a free port of 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.db import migrate
from tests.conftest import (
    REQUIRE_POSTGRES,
    _create_postgres_database,
    _drop_postgres_database,
    _postgres_available,
)
from tests.ops.servers import IXON_API, ROOT, serving


@dataclass(frozen=True)
class Live:
    base: str
    application_id: str
    company_id: str
    token: str
    backend: str


def _bootstrap(url: str) -> dict[str, str]:
    environment = os.environ | {"IXON_DATABASE_URL": url, "IXON_MAIL_BACKEND": "memory"}
    done = subprocess.run(
        [IXON_API, "bootstrap", "--json", "--password", "a long fuzzing passphrase"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        check=True,
        timeout=120,
    )
    made: dict[str, str] = json.loads(done.stdout.decode().strip().splitlines()[-1])
    return made


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
async def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Live]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    elif await _postgres_available():
        url = await _create_postgres_database()
    elif REQUIRE_POSTGRES:
        pytest.fail("PostgreSQL is required but does not answer")
    else:
        pytest.skip("PostgreSQL is not available")
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        made = await asyncio.to_thread(_bootstrap, url)
        with serving(url) as (server,):
            yield Live(
                server.base,
                made["applicationId"],
                made["companyId"],
                made["accessToken"],
                request.param,
            )
    finally:
        if request.param == "postgres":
            await _drop_postgres_database(url)


def schemathesis_config(live: Live, directory: Path) -> Path:
    """Every request carries the administrator's token and the IXON headers of the company:
    the run tests the operations, not the authentication in front of them."""
    config = directory / "schemathesis.toml"
    config.write_text(
        f'headers = {{ Authorization = "Bearer {live.token}" }}\n'
        "[parameters]\n"
        '"Api-Version" = "2"\n'
        f'"Api-Application" = "{live.application_id}"\n'
        f'"Api-Company" = "{live.company_id}"\n'
    )
    return config
