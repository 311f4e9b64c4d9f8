"""SQLite: a transaction that reads, then writes, waits for a concurrent writer instead of
failing with "database is locked" (the embedded default must not answer 500s under load)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from app.config import Settings
from app.db.session import create_engine


async def test_read_then_write_waits_for_another_writer(tmp_path: Path) -> None:
    engine = create_engine(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'w.db'}"))
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (n INTEGER)"))
    first_read = asyncio.Event()

    async def reader_then_writer() -> None:
        async with engine.begin() as connection:
            await connection.execute(text("SELECT count(*) FROM t"))
            first_read.set()
            await asyncio.sleep(0.2)
            await connection.execute(text("INSERT INTO t VALUES (1)"))

    async def writer() -> None:
        await first_read.wait()
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO t VALUES (2)"))

    try:
        await asyncio.wait_for(asyncio.gather(reader_then_writer(), writer()), timeout=20)
        async with engine.connect() as connection:
            rows = (await connection.execute(text("SELECT n FROM t ORDER BY n"))).scalars().all()
        assert rows == [1, 2]
    finally:
        await engine.dispose()
