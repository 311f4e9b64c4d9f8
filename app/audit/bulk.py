"""Audit events of set-based INSERTs, which pass by the unit of work and so by the hook's
``before_flush`` (app/audit/hooks.py): a writer inserting many rows in one statement reports
them here, and they read exactly as the events of the same rows added one by one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.audit import context as audit_context
from app.audit.models import AuditEvent
from app.audit.recorder import CREATE, UPDATE, Change, event_rows
from app.audit.registry import by_table
from app.db.bulk import insert_rows
from app.webhooks import events as webhook_events

AUDIT_EVENTS: Table = AuditEvent.__table__  # type: ignore[assignment]


@cache
def _defaults(table: Table) -> tuple[tuple[str, bool, Any], ...]:
    """Each column's key, whether it has a scalar default, and that default."""
    found = []
    for column in table.columns:
        default = column.default
        scalar = default is not None and getattr(default, "is_scalar", False)
        found.append((column.key, scalar, default.arg if scalar else None))  # type: ignore[union-attr]
    return tuple(found)


def as_added(table: Table, given: Mapping[str, Any]) -> dict[str, Any]:
    """What the hook knows of a new object at its flush: the values given (with its publicId)
    and the columns' scalar defaults; not the keys and times the INSERT itself makes."""
    values: dict[str, Any] = {}
    for key, scalar, default in _defaults(table):
        if key in given:
            values[key] = given[key]
        elif scalar:
            values[key] = default
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
    """Writes the events in the session's transaction, as the hook would (in one COPY on
    PostgreSQL: app/db/bulk.py)."""

    def rows_of(sync: Session) -> list[dict[str, Any]]:
        rows, recorded = event_rows(sync.connection(), audit_context.of(sync), changes)
        webhook_events.collect(sync, recorded)  # announced as the hook's events are
        return rows

    await insert_rows(session, AUDIT_EVENTS, await session.run_sync(rows_of))
