"""Many rows into one table at once, in the session's transaction.

PostgreSQL: one COPY through the engine's own asyncpg connection, which leaves SQLAlchemy's
per-row work (parameter processing, statement batches) out: thousands of rows of a bulk invite
cost a fraction of an executemany. SQLite (in-process, no round trips): an executemany INSERT.

Either way the rows get what an INSERT would give them: the columns' Python-side defaults
(publicIds, ``created_on``) for the keys they lack, JSON columns serialised, and a refusal by
the database is SQLAlchemy's ``IntegrityError``, as from a flush.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from operator import itemgetter
from typing import Any

import asyncpg
from sqlalchemy import JSON, Column, Table, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession


@cache
def _defaults(table: Table) -> dict[str, Column[Any]]:
    """The columns an INSERT fills from a Python default when a row leaves them out."""
    return {c.key: c for c in table.columns if c.default is not None and not c.primary_key}


def _filler(column: Column[Any]) -> Callable[[], Any]:
    default: Any = column.default
    if default.is_scalar:
        return lambda: default.arg
    return lambda: default.arg(None)


def _encoder(column: Column[Any]) -> Callable[[Any], Any] | None:
    if isinstance(column.type, JSON):
        return lambda value: None if value is None else json.dumps(value)
    return None


async def insert_rows(
    session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Inserts ``rows`` (dicts of column keys, all with the same keys) into ``table``."""
    if not rows:
        return
    connection = await session.connection()
    if connection.dialect.name != "postgresql":
        await session.execute(insert(table), list(rows))
        return
    given = list(rows[0])
    missing = {k: _filler(c) for k, c in _defaults(table).items() if k not in rows[0]}
    columns = [table.c[k] for k in (*given, *missing)]
    encoders = [(i, e) for i, c in enumerate(columns) if (e := _encoder(c)) is not None]
    pick = itemgetter(*given) if len(given) > 1 else lambda row: (row[given[0]],)
    fills = list(missing.values())
    records = []
    for row in rows:
        record = [*pick(row), *(fill() for fill in fills)]
        for index, encode in encoders:
            record[index] = encode(record[index])
        records.append(record)
    driver: Any = (await connection.get_raw_connection()).driver_connection
    if not driver.is_in_transaction():
        # The dialect begins its transaction at the first statement; COPY must be inside it.
        await connection.exec_driver_sql("SELECT 1")
    try:
        await driver.copy_records_to_table(
            table.name, records=records, columns=[c.name for c in columns]
        )
    except asyncpg.IntegrityConstraintViolationError as error:
        raise IntegrityError(f"COPY {table.name}", None, error) from error
