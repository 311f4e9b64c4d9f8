"""Migrations match the models exactly and run both ways, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import re
import warnings

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Index, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import Settings
from app.db import migrate
from app.db.models import Base
from app.db.session import create_engine


def _compare(sync: Connection) -> list[object]:
    with warnings.catch_warnings():
        # SQLite cannot reflect expression indexes (lower(name)), so Alembic skips comparing
        # them there, with a warning; test_expression_indexes_are_in_the_database checks them.
        warnings.filterwarnings(
            "ignore", "autogenerate skipping metadata-specified expression-based index"
        )
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        context = MigrationContext.configure(sync, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


async def _differences(engine: AsyncEngine) -> list[object]:
    async with engine.connect() as connection:
        return await connection.run_sync(_compare)


def _expression_indexes() -> list[Index]:
    return [
        index
        for table in Base.metadata.tables.values()
        for index in table.indexes
        if any(not isinstance(e, Column) for e in index.expressions)
    ]


def _squeeze(sql: str) -> str:
    """An index definition without quotes, casts, brackets and spaces, lower case."""
    return re.sub(r"[\s\"()]|::text", "", sql).lower()


async def test_expression_indexes_are_in_the_database(engine: AsyncEngine) -> None:
    indexes = _expression_indexes()
    assert indexes, "the models declare expression indexes (unique names, any case)"
    sqlite = engine.dialect.name == "sqlite"
    query = (
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"
        if sqlite
        else "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
    )
    async with engine.connect() as connection:
        for index in indexes:
            found = (await connection.execute(text(query), {"name": index.name})).scalar()
            assert found is not None, f"index {index.name} is missing"
            wanted = [
                str(e.compile(engine.sync_engine, compile_kwargs={"literal_binds": True}))
                for e in index.expressions
            ]
            columns = _squeeze(found.split("(", 1)[1])
            expected = _squeeze(",".join(wanted)).replace(f"{index.table.name}.", "")
            assert columns.startswith(expected), (found, expected)
            assert ("unique" in _squeeze(found)) == bool(index.unique), found


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
