"""A read request on PostgreSQL begins no transaction until it writes (app/db/session.py).

Told apart with `now()`, the start of the current transaction: two statements outside a
transaction see two times, two inside one see the same.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import SimpleNamespace

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from starlette.requests import Request

from app.config import Settings
from app.db import session as session_module
from app.db.session import create_engine, create_sessionmaker, get_session


@pytest.fixture
async def engine(backend: str, scratch_url: str) -> AsyncIterator[AsyncEngine]:
    if backend != "postgres":
        pytest.skip("SQLite transactions cost no round trip: reads keep theirs")
    engine = create_engine(Settings(database_url=scratch_url, database_pool_size=1))
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE notes (body text)"))
    yield engine
    await engine.dispose()


def _request(engine: AsyncEngine, method: str) -> Request:
    app = SimpleNamespace(state=SimpleNamespace(sessionmaker=create_sessionmaker(engine)))
    return Request({"type": "http", "method": method, "app": app, "headers": [], "client": None})


async def _two_nows(session: AsyncSession, first: str = "SELECT now()") -> bool:
    """Whether two statements ran in one transaction."""
    before = await session.scalar(text(first))
    await asyncio.sleep(0.01)
    return before == await session.scalar(text("SELECT now()"))


async def _notes(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as connection:
        return list((await connection.scalars(text("SELECT body FROM notes"))).all())


async def _finish(requests: AsyncIterator[AsyncSession]) -> None:
    with pytest.raises(StopAsyncIteration):
        await anext(requests)


async def test_a_read_runs_outside_a_transaction_and_a_write_inside_one(
    engine: AsyncEngine,
) -> None:
    reading = get_session(_request(engine, "GET"))
    session = await anext(reading)
    assert not await _two_nows(session)
    await _finish(reading)
    posting = get_session(_request(engine, "POST"))  # the same (only) connection, back in step
    assert await _two_nows(await anext(posting))
    await _finish(posting)


async def test_a_read_request_that_writes_commits_or_rolls_back_as_one(
    engine: AsyncEngine,
) -> None:
    failing = get_session(_request(engine, "GET"))
    session = await anext(failing)
    await session.execute(text("INSERT INTO notes VALUES ('lost')"))
    await session.execute(text("INSERT INTO notes VALUES ('lost too')"))
    with pytest.raises(RuntimeError):
        await failing.athrow(RuntimeError("the request failed after writing"))
    assert await _notes(engine) == []
    writing = get_session(_request(engine, "GET"))
    session = await anext(writing)
    await session.execute(text("INSERT INTO notes VALUES ('kept')"))
    assert await _two_nows(session, "SELECT now() FROM notes")  # in the write's transaction
    await _finish(writing)
    assert await _notes(engine) == ["kept"]


async def test_a_row_lock_in_a_read_request_begins_the_transaction(engine: AsyncEngine) -> None:
    reading = get_session(_request(engine, "GET"))
    session = await anext(reading)
    assert await _two_nows(session, "SELECT now() FROM (SELECT 1) AS one FOR UPDATE")
    await _finish(reading)


async def test_a_connection_dropped_while_idle_is_replaced_before_use(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with engine.connect() as connection:
        pid = await connection.scalar(text("SELECT pg_backend_pid()"))
    other = create_async_engine(engine.url)  # not the pool whose connection is dropped
    async with other.begin() as killer:
        await killer.execute(text(f"SELECT pg_terminate_backend({int(pid)})"))
    await other.dispose()
    monkeypatch.setattr(session_module, "PING_AFTER_IDLE_SECONDS", 0.0)
    reading = get_session(_request(engine, "GET"))
    session = await anext(reading)
    assert await session.scalar(text("SELECT pg_backend_pid()")) != pid
    await _finish(reading)
