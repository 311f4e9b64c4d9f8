"""The engine, and one session (= one transaction, committed once) per request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.audit import context as audit_context
from app.audit import hooks as _audit_hooks  # noqa: F401 - registers the audit log's events
from app.config import Settings
from app.db.conflicts import conflict


def create_engine(settings: Settings) -> AsyncEngine:
    if settings.is_sqlite:
        engine = create_async_engine(
            settings.database_url, connect_args={"timeout": 30}, hide_parameters=True
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()
            # SQLAlchemy, not the driver, opens transactions: savepoints then work.
            dbapi_connection.isolation_level = None

        @event.listens_for(engine.sync_engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            # IMMEDIATE takes the write lock up front: a transaction that reads and then
            # writes would otherwise fail at once ("database is locked", no busy wait) when
            # another connection committed in between. SQLite has one writer anyway.
            # Connections that only read say so (`read_only` execution option).
            read_only = connection.get_execution_options().get("read_only", False)
            connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine
    return create_async_engine(
        settings.database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_pool_size,
        pool_pre_ping=True,
        hide_parameters=True,  # errors are logged; bound values can be hashes or addresses
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Services add and flush; the commit happens here, once, after the route has returned.

    Declared with ``scope="function"`` so the commit runs before the response is sent: a
    failing commit becomes the answer instead of a success the database did not keep. A
    unique index that refuses a write, at a flush or at the commit, is a 409 that says what
    clashed (app/db/conflicts.py): another request got there first.
    """
    maker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with maker() as session:
        audit_context.begin_request(session, request.client.host if request.client else None)
        try:
            yield session
        except IntegrityError as exc:
            await session.rollback()
            raise conflict(exc) from exc
        except BaseException:
            await session.rollback()
            raise
        try:
            await session.commit()
        except IntegrityError as exc:
            await session.rollback()
            raise conflict(exc) from exc


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
