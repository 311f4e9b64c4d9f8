"""Async Alembic environment: the URL comes from the settings (IXON_DATABASE_URL)."""

from __future__ import annotations

import asyncio
from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from sqlalchemy.engine import Connection

from app.config import get_settings
from app.db.base import UTCDateTime
from app.db.models import Base
from app.db.session import create_engine

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Migrations spell out plain SQLAlchemy types, so they never import the app's."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # tests hand in a connection of their own
        _configure(connection)
        return
    url = config.attributes.get("database_url") or get_settings().database_url
    engine = create_engine(get_settings().model_copy(update={"database_url": url}))
    try:
        async with engine.connect() as async_connection:
            await async_connection.run_sync(_configure)
    finally:  # also when a revision refuses the data it found
        await engine.dispose()


def run_offline() -> None:
    context.configure(
        url=get_settings().database_url, target_metadata=target_metadata, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    asyncio.run(run_async())
