"""The engine, and one session (= one transaction, committed once) per request.

On PostgreSQL a read request (GET, HEAD) opens no transaction until it writes: its SELECTs
run in autocommit (each one sees committed data, as it would in a READ COMMITTED
transaction), so a read costs no BEGIN and no COMMIT. The first statement that is not a
plain SELECT (a write, a row lock) begins a transaction first, and the request commits it as
before. Connections are pinged only after sitting idle: a ping is three round trips.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from functools import lru_cache
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DisconnectionError, IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, SessionTransaction

from app.audit import context as audit_context
from app.audit import hooks as _audit_hooks  # noqa: F401 - registers the audit log's events
from app.config import Settings
from app.db.conflicts import conflict

READ_METHODS = frozenset({"GET", "HEAD"})
# Session.info and Connection.info key of a read request's state (`_Lazy`).
LAZY = "ixon.lazy_transaction"
# A connection back from the pool after this long is pinged before use (a restarted database
# drops them); one used more recently that turns out dead fails its request with a 503, and
# SQLAlchemy then replaces the whole pool.
PING_AFTER_IDLE_SECONDS = 10.0
_CHECKED_IN = "ixon.checked_in"
_LOCKING = re.compile(r"\bFOR\s+(UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b", re.IGNORECASE)


class _Lazy:
    """A read request's session: whether it has begun a transaction (it wrote; on SQLite,
    whose transactions cost no round trip, as soon as it used the database)."""

    __slots__ = ("began",)

    def __init__(self) -> None:
        self.began = False


@lru_cache(maxsize=1024)
def _reads_only(statement: str) -> bool:
    """A plain SELECT: no write, no row lock (statements are cached strings; so is this)."""
    head = statement.lstrip()[:6].upper()
    return head == "SELECT" and _LOCKING.search(statement) is None


@event.listens_for(Session, "after_begin")
def _read_without_transaction(
    session: Session, _transaction: SessionTransaction, connection: Connection
) -> None:
    lazy = session.info.get(LAZY)
    if not isinstance(lazy, _Lazy):
        return
    if connection.dialect.name != "postgresql":
        lazy.began = True
        return
    connection.connection.dbapi_connection.autocommit = True  # type: ignore[union-attr]
    connection.info[LAZY] = lazy


def _postgres_events(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _begin_before_writing(
        connection: Connection, _cursor: Any, statement: str, *_args: Any
    ) -> None:
        lazy = connection.info.get(LAZY)
        if lazy is not None and not lazy.began and not _reads_only(statement):
            lazy.began = True
            # The driver begins a transaction before its next statement (this one).
            connection.connection.dbapi_connection.autocommit = False  # type: ignore[union-attr]

    @event.listens_for(engine.sync_engine, "checkin")
    def _checkin(dbapi_connection: Any, record: Any) -> None:
        lazy = record.info.pop(LAZY, None)
        if lazy is not None and not lazy.began:
            dbapi_connection.autocommit = False
        record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        record.info.pop(LAZY, None)
        idle = time.monotonic() - record.info.get(_CHECKED_IN, 0.0)
        if idle > PING_AFTER_IDLE_SECONDS:
            try:
                dbapi_connection.ping()
            except Exception as exc:
                raise DisconnectionError() from exc  # the pool retries with a new connection


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
    engine = create_async_engine(
        settings.database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_pool_size,
        hide_parameters=True,  # errors are logged; bound values can be hashes or addresses
    )
    _postgres_events(engine)
    return engine


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
        lazy = session.info[LAZY] = _Lazy() if request.method in READ_METHODS else None
        audit_context.begin_request(session, request.client.host if request.client else None)
        try:
            yield session
        except IntegrityError as exc:
            await session.rollback()
            raise conflict(exc) from exc
        except BaseException:
            await session.rollback()
            raise
        if lazy is not None and not lazy.began and _clean(session):
            return  # nothing to commit, no transaction to end (closing costs no round trip)
        try:
            await session.commit()
        except IntegrityError as exc:
            await session.rollback()
            raise conflict(exc) from exc


def _clean(session: AsyncSession) -> bool:
    return not (session.new or session.deleted or session.dirty)


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


_CONNECTION = "ixon.connection"


async def connection(session: AsyncSession) -> AsyncConnection:
    """The session's connection for Core statements, looked up once per transaction: each
    `AsyncSession.connection()` is a greenlet switch, and the read path makes several."""
    transaction = session.sync_session.get_transaction()
    cached = session.info.get(_CONNECTION)
    if transaction is not None and cached is not None and cached[0] is transaction:
        found: AsyncConnection = cached[1]
        return found
    found = await session.connection()
    session.info[_CONNECTION] = (session.sync_session.get_transaction(), found)
    return found
