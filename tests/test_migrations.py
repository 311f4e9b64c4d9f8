"""Migrations match the models exactly and run both ways, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import Settings
from app.db import migrate
from app.db.models import Base
from app.db.session import create_engine


async def _differences(engine: AsyncEngine) -> list[object]:
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
            )
        )


async def test_the_migrated_schema_matches_the_models(engine: AsyncEngine) -> None:
    assert await _differences(engine) == []


async def test_the_database_is_at_the_head_revision(engine: AsyncEngine) -> None:
    assert await migrate.current_revision(engine) == migrate.head_revision()


async def test_every_revision_downgrades_and_upgrades_again(scratch_url: str) -> None:
    config = migrate.alembic_config(scratch_url)
    await asyncio.to_thread(command.upgrade, config, "head")
    await asyncio.to_thread(command.downgrade, config, "base")
    engine = create_engine(Settings(database_url=scratch_url))
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        assert set(tables) <= {"alembic_version"}
        await asyncio.to_thread(command.upgrade, config, "head")
        assert await _differences(engine) == []
    finally:
        await engine.dispose()


def test_revision_files_are_dated() -> None:
    names = [p.name for p in (migrate.ROOT / "migrations" / "versions").glob("*.py")]
    assert names and all(name[:4].isdigit() and name[4] == "_" for name in names)
