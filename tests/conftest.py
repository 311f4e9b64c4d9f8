"""Test harness: every test runs on SQLite and on PostgreSQL.

Each run creates its own databases and applies the migrations (never `create_all`); each test
runs inside one outer transaction that is rolled back, so tests never see each other's rows.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.auth.ratelimit import LoginLimiter
from app.config import Settings
from app.core import security
from app.db import migrate
from app.db.session import create_engine
from app.main import create_app
from tests.helpers import Api, World, make_world

POSTGRES_ADMIN_URL = os.environ.get(
    "IXON_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_POSTGRES = os.environ.get("CI") == "true" or os.environ.get("IXON_REQUIRE_POSTGRES") == "1"
# A developer's `.env` (written by `make run`) must not leak into the tests' settings.
os.environ.setdefault("IXON_ENV_FILE", os.devnull)


async def _postgres_available() -> bool:
    engine = create_async_engine(POSTGRES_ADMIN_URL)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("select 1"))
        return True
    except Exception:
        return False
    finally:
        await engine.dispose()


async def _create_postgres_database() -> str:
    name = f"ixon_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    engine = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


async def _drop_postgres_database(url: str) -> None:
    name = make_url(url).database
    engine = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await engine.dispose()


# Files that start servers, browsers or a fuzzer run first: pytest-xdist hands out whole files
# (`--dist loadfile`), and a long one handed out last would run alone at the end.
SLOW_FIRST = (
    "tests/fuzz/test_schemathesis.py",
    "tests/e2e/",
    "tests/races/",
    "tests/ops/",
    "tests/test_conformance.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {prefix: i for i, prefix in enumerate(SLOW_FIRST)}

    def order(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return next((r for prefix, r in rank.items() if path.startswith(prefix)), len(rank))

    items.sort(key=order)  # stable: each file keeps its own order


@pytest.fixture(scope="session")
def tmp_root() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="ixon-tests-") as root:
        yield Path(root)


@pytest.fixture(scope="session")
async def _databases() -> AsyncIterator[dict[str, str]]:
    """The run's databases by backend, made on first use and dropped at the end of the run."""
    made: dict[str, str] = {}
    yield made
    if "postgres" in made:
        await _drop_postgres_database(made["postgres"])


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
async def database_url(
    request: pytest.FixtureRequest, tmp_root: Path, _databases: dict[str, str]
) -> str:
    """A fresh database per backend and run, migrated to head. Made once: a pytest-xdist worker
    switches backend at every test file, which would otherwise make and migrate it anew."""
    backend: str = request.param
    if backend not in _databases:
        if backend == "sqlite":
            url = f"sqlite+aiosqlite:///{tmp_root / 'test.db'}"
        elif not await _postgres_available():
            if REQUIRE_POSTGRES:
                pytest.fail(f"PostgreSQL is required but does not answer at {POSTGRES_ADMIN_URL}")
            pytest.skip("PostgreSQL is not available")
        else:
            url = await _create_postgres_database()
        await asyncio.to_thread(migrate.upgrade, url)
        _databases[backend] = url
    return _databases[backend]


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> None:
    """Argon2 at production cost takes ~30 ms per hash, several per test; the parameters are
    not what the tests are about (tests/core/test_password_hashing.py checks the production ones,
    and servers started as processes use them)."""
    security.configure_hashing(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="session")
def backend(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgres"


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    security.configure_pool()
    engine = create_engine(Settings(database_url=database_url))
    yield engine
    await engine.dispose()


@pytest.fixture
async def sessionmaker(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions joined to one outer transaction that the test ends by rolling back."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        yield async_sessionmaker(
            bind=connection,
            expire_on_commit=False,
            autoflush=False,
            join_transaction_mode="create_savepoint",
        )
        await transaction.rollback()


@pytest.fixture
async def session(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as session:
        yield session


@pytest.fixture
async def scratch_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of the test's backend (no migrations applied), dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}"
        return
    url = await _create_postgres_database()
    yield url
    await _drop_postgres_database(url)


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_root: Path) -> Settings:
    return Settings(
        database_url=database_url,
        mail_backend="memory",
        mail_dir=str(tmp_root / "mail"),
        outbox_worker=False,
        public_url="http://testserver",
    )


@pytest.fixture(scope="session")
def app_per_backend(settings: Settings, engine: AsyncEngine) -> FastAPI:
    """Built once per backend (building the OpenAPI document is not free)."""
    application = create_app(settings)
    application.state.engine = engine
    return application


@pytest.fixture
def app(
    app_per_backend: FastAPI, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> FastAPI:
    """The app, on this test's rolled-back transaction, with fresh rate-limit counters."""
    app_per_backend.state.sessionmaker = sessionmaker
    app_per_backend.state.login_limiter = LoginLimiter(settings)
    return app_per_backend


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def world(sessionmaker: async_sessionmaker[AsyncSession]) -> World:
    """Two companies (A and B), each with an administrator, and an application."""
    return await make_world(sessionmaker)


@pytest.fixture
def api(client: httpx.AsyncClient, world: World) -> Api:
    return Api(client, world)
