"""The audit log's one mechanism: two session events, registered once for every session.

- ``before_flush`` sees the unit of work's new, changed and deleted rows of the audited tables
  (attribute history gives before/after) and writes their events before the flush's own SQL.
- ``do_orm_execute`` sees set-based UPDATE and DELETE statements (bulk deletes bypass the unit
  of work): it reads the rows the statement will touch, runs it, and records each row.

Services therefore report nothing themselves; a write through any entry point is recorded in
the transaction that makes it. What the log records is also what webhooks announce
(app/webhooks/events.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table, event, inspect, select
from sqlalchemy.engine import Result
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlalchemy.orm.state import InstanceState

from app.audit import context as audit_context
from app.audit.recorder import CREATE, DELETE, UPDATE, Change, write
from app.audit.registry import NOISE, Audited, by_table
from app.webhooks import events as webhook_events


def _spec(state: InstanceState[Any]) -> tuple[Table, Audited] | None:
    table = state.mapper.local_table
    if not isinstance(table, Table):
        return None
    spec = by_table().get(table.name)
    return (table, spec) if spec is not None else None


def _values(state: InstanceState[Any], table: Table) -> dict[str, Any]:
    loaded = state.dict
    values: dict[str, Any] = {}
    for attribute in state.mapper.column_attrs:
        key = attribute.key
        if key in loaded:
            values[key] = loaded[key]
            continue
        column = table.c.get(key)
        default = column.default if column is not None else None
        if default is not None and getattr(default, "is_scalar", False):
            values[key] = default.arg  # type: ignore[attr-defined]
    return values


def _collections(state: InstanceState[Any], spec: Audited, side: str) -> dict[str, Any]:
    """A collection's members before or after the flush, if it is loaded (or changed)."""
    out: dict[str, Any] = {}
    for name, show in spec.collections.items():
        history = state.attrs[name].history
        if side == "after":
            if name not in state.dict:
                continue
            members = (
                [*history.unchanged, *history.added]
                if history.has_changes()
                else list(state.dict[name])
            )
        else:
            if not history.has_changes():
                continue
            members = [*history.unchanged, *history.deleted]
        out[name] = sorted(show(m) for m in members)
    return out


def _assign_public_id(state: InstanceState[Any], table: Table) -> None:
    """New rows get their publicId now (the column default would apply it only at INSERT),
    so their events can name them."""
    column = table.c.get("public_id")
    if column is None or state.dict.get("public_id") is not None or column.default is None:
        return
    obj = state.obj()
    if obj is not None:
        obj.public_id = column.default.arg(None)  # type: ignore[attr-defined]


def _created(state: InstanceState[Any], table: Table, spec: Audited) -> Change:
    _assign_public_id(state, table)
    values = _values(state, table)
    after = values | _collections(state, spec, "after")
    return Change(table, spec, CREATE, values, None, after)


def _updated(state: InstanceState[Any], table: Table, spec: Audited) -> Change | None:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attribute in state.mapper.column_attrs:
        history = state.attrs[attribute.key].history
        if attribute.key in NOISE or not history.has_changes():
            continue
        before[attribute.key] = history.deleted[0] if history.deleted else None
        after[attribute.key] = history.added[0] if history.added else None
    changed = {k for k in before if before[k] != after[k]}
    before = {k: v for k, v in before.items() if k in changed}
    after = {k: v for k, v in after.items() if k in changed}
    before |= _collections(state, spec, "before")
    after |= {k: v for k, v in _collections(state, spec, "after").items() if k in before}
    if not before:
        return None
    return Change(table, spec, UPDATE, _values(state, table), before, after)


def _deleted(state: InstanceState[Any], table: Table, spec: Audited) -> Change:
    values = _values(state, table)
    return Change(table, spec, DELETE, values, values, None)


def _flush_changes(session: Session) -> list[Change]:
    changes: list[Change] = []
    for group, build in (
        (session.new, _created),
        (session.dirty, _updated),
        (session.deleted, _deleted),
    ):
        for obj in list(group):
            state = inspect(obj)
            found = _spec(state)
            if found is None:
                continue
            change = build(state, *found)
            if change is not None:
                changes.append(change)
    return changes


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    changes = _flush_changes(session)
    if changes:
        written = write(session.connection(), audit_context.of(session), changes)
        webhook_events.collect(session, written)


def _bulk_updates(
    table: Table, spec: Audited, old_rows: list[dict[str, Any]], new_rows: dict[Any, dict[str, Any]]
) -> list[Change]:
    changes = []
    for old in old_rows:
        new = new_rows.get(old["id"], old)
        changed = [k for k in old if k not in NOISE and old[k] != new.get(k)]
        if changed:
            before = {k: old[k] for k in changed}
            after = {k: new.get(k) for k in changed}
            changes.append(Change(table, spec, UPDATE, new, before, after))
    return changes


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state: ORMExecuteState) -> Result[Any] | None:
    parameters = state.parameters
    if not (state.is_update or state.is_delete) or not isinstance(parameters, Mapping | None):
        return None  # an executemany of UPDATEs by primary key is not used for audited rows
    table = getattr(state.statement, "table", None)
    spec = by_table().get(table.name) if isinstance(table, Table) else None
    if table is None or spec is None:
        return None
    connection = state.session.connection()
    where = state.statement.whereclause  # type: ignore[attr-defined]
    query = select(table) if where is None else select(table).where(where)
    # The statement's own bound values (a `bindparam` in its WHERE) select the same rows.
    rows = [dict(row._mapping) for row in connection.execute(query, dict(parameters or {}))]
    if not rows:
        return None
    context = audit_context.of(state.session)
    if state.is_delete:
        # Written first: the rows (and what cascades from them) are gone afterwards.
        deleted = [Change(table, spec, DELETE, r, r, None) for r in rows]
        webhook_events.collect(state.session, write(connection, context, deleted))
        return state.invoke_statement()
    result = state.invoke_statement()
    ids = [row["id"] for row in rows]
    fresh = connection.execute(select(table).where(table.c.id.in_(ids)))
    updated = _bulk_updates(table, spec, rows, {r.id: dict(r._mapping) for r in fresh})
    webhook_events.collect(state.session, write(connection, context, updated))
    return result
