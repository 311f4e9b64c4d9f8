"""One scratch PostgreSQL database and two `ixon-api serve` processes for every race test of
this package (started once: a server takes a few seconds to come up)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from app.applications import service as application_service
from app.db import migrate
from app.db.session import create_sessionmaker
from tests.conftest import (
    REQUIRE_POSTGRES,
    _create_postgres_database,
    _drop_postgres_database,
    _postgres_available,
)
from tests.ops.servers import serving
from tests.races.cluster import CONCURRENCY, Cluster, Seed


@pytest.fixture(scope="package")
async def cluster() -> AsyncIterator[Cluster]:
    if not await _postgres_available():
        if REQUIRE_POSTGRES:
            pytest.fail("PostgreSQL is required for the race tests")
        pytest.skip("PostgreSQL is not available: the races need a real, concurrent database")
    url = await _create_postgres_database()
    engine = create_async_engine(url, pool_size=4)
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        maker = create_sessionmaker(engine)
        async with maker() as session:
            application = await application_service.add(session, "Race application")
            await session.commit()
        seed = Seed(maker, application.public_id)
        # Each process holds up to 20 connections (pool and overflow, the defaults), so every
        # request of a race is in the database at once rather than queued for a connection.
        # A fresh connection for every request: a request sent on a kept-alive connection that
        # uvicorn is closing at that moment fails with ReadError (seen on a busy machine even
        # with idle connections dropped after 2 s), and a race is about the server, not reuse.
        limits = httpx.Limits(max_connections=4 * CONCURRENCY, max_keepalive_connections=0)
        with serving(url, count=2) as servers:
            async with httpx.AsyncClient(timeout=60, limits=limits) as client:
                yield Cluster(servers, seed, client)
    finally:
        await engine.dispose()
        await _drop_postgres_database(url)
