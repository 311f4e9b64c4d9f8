"""Audit events of set-based INSERTs, which pass by the unit of work and so by the hook's
``before_flush`` (app/audit/hooks.py): a writer inserting many rows in one statement reports
them here, and they read exactly as the events of the same rows added one by one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import context as audit_context
from app.audit.recorder import CREATE, UPDATE, Change, write
from app.audit.registry import by_table


def as_added(table: Table, given: Mapping[str, Any]) -> dict[str, Any]:
    """What the hook knows of a new object at its flush: the values given (with its publicId)
    and the columns' scalar defaults; not the keys and times the INSERT itself makes."""
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.key in given:
            values[column.key] = given[column.key]
        elif column.default is not None and getattr(column.default, "is_scalar", False):
            values[column.key] = column.default.arg  # type: ignore[attr-defined]
    return values


def created(table: Table, rows: Sequence[Mapping[str, Any]]) -> list[Change]:
    """CREATE events of ``rows`` (each as given to the INSERT, with its publicId)."""
    spec = by_table()[table.name]
    changes = []
    for row in rows:
        values = as_added(table, row)
        changes.append(Change(table, spec, CREATE, values, None, values))
    return changes


def updated(
    table: Table, values: Mapping[str, Any], before: dict[str, Any], after: dict[str, Any]
) -> Change:
    """An UPDATE event of the row of ``values`` (its publicId and the columns naming its
    company or user), from ``before`` to ``after``."""
    return Change(table, by_table()[table.name], UPDATE, dict(values), before, after)


async def record(session: AsyncSession, changes: list[Change]) -> None:
    """Writes the events in the session's transaction, as the hook would."""
    if changes:
        await session.run_sync(
            lambda sync: write(sync.connection(), audit_context.of(sync), changes)
        )
