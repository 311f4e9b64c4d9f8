"""Turns the changes of one flush (or one bulk statement) into audit rows, written on the same
connection, so they commit or roll back with the change they describe.

References to other rows (``role_id``) are shown by publicId (``"role": {"publicId": …}``),
looked up once per referenced table; internal ids, secrets and hashes never reach the log.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, insert, select

from app.audit.context import Actor, AuditContext
from app.audit.models import AuditEvent
from app.audit.registry import HIDDEN, MARKED, NOISE, Audited
from app.core import ids
from app.core.clock import iso, utcnow
from app.db.base import Base

CREATE, UPDATE, DELETE = "CREATE", "UPDATE", "DELETE"


@dataclass(slots=True)
class Change:
    """One row's change: every value known of the row, and what it was and became."""

    table: Table
    spec: Audited
    action: str
    values: dict[str, Any]
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@cache
def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@cache  # asked once per event; a bulk write has thousands
def _references(table: Table) -> dict[str, Table]:
    """Foreign-key columns whose target has a publicId: column name → referenced table."""
    found: dict[str, Table] = {}
    for column in table.columns:
        for key in column.foreign_keys:
            target = key.column.table
            if isinstance(target, Table) and "public_id" in target.columns:
                found[column.name] = target
    return found


class _Lookup:
    """publicId (and name) of referenced rows, one query per table."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.wanted: dict[Table, set[int]] = defaultdict(set)
        self.found: dict[tuple[str, int], tuple[str, str | None]] = {}

    def want(self, table: Table, value: Any) -> None:
        if isinstance(value, int):
            self.wanted[table].add(value)

    def run(self) -> None:
        for table, wanted in self.wanted.items():
            name = table.c.name if "name" in table.c else None
            columns = [table.c.id, table.c.public_id, *([name] if name is not None else [])]
            for row in self.connection.execute(select(*columns).where(table.c.id.in_(wanted))):
                self.found[(table.name, row[0])] = (row[1], row[2] if name is not None else None)

    def public_id(self, table: Table, value: Any) -> str | None:
        hit = self.found.get((table.name, value)) if isinstance(value, int) else None
        return hit[0] if hit else None

    def name(self, table: Table, value: Any) -> str | None:
        hit = self.found.get((table.name, value)) if isinstance(value, int) else None
        return hit[1] if hit else None


def _wire(change: Change, side: dict[str, Any] | None, lookup: _Lookup) -> dict[str, Any] | None:
    if side is None:
        return None
    references = _references(change.table)
    out: dict[str, Any] = {}
    if "public_id" in change.values:
        out["publicId"] = change.values["public_id"]
    for name, value in side.items():
        if name in MARKED and value is not None:
            out[MARKED[name]] = "(hidden)"
        if name in HIDDEN or name in NOISE or name == "public_id":
            continue
        if name in references:
            ref = lookup.public_id(references[name], value)
            out[_camel(name.removesuffix("_id"))] = {"publicId": ref} if ref else None
        elif isinstance(value, datetime):
            out[_camel(name)] = iso(value)
        else:
            out[_camel(name)] = value
    return out


def _companies_of_users(connection: Connection, user_ids: set[int]) -> dict[int, list[str]]:
    from app.companies.models import Company
    from app.memberships.models import Membership

    if not user_ids:
        return {}
    stmt = (
        select(Membership.user_id, Company.public_id)
        .join(Company, Company.id == Membership.company_id)
        .where(Membership.user_id.in_(user_ids))
        .distinct()
    )
    found: dict[int, list[str]] = defaultdict(list)
    for user_id, company in connection.execute(stmt):
        if user_id is not None:
            found[user_id].append(company)
    return found


def _user_table() -> Table:
    return Base.metadata.tables["users"]


def _user_id(change: Change) -> Any:
    column = change.spec.user_column
    return change.values.get(column) if column else None


def _prepare(connection: Connection, changes: list[Change]) -> tuple[_Lookup, dict[int, list[str]]]:
    lookup = _Lookup(connection)
    users = _user_table()
    fan_out: set[int] = set()
    for change in changes:
        for name, table in _references(change.table).items():
            lookup.want(table, change.values.get(name))
            for side in (change.before, change.after):
                if side is not None:
                    lookup.want(table, side.get(name))
        user_id = _user_id(change)
        lookup.want(users, user_id)
        if change.spec.scope == "user" and isinstance(user_id, int):
            fan_out.add(user_id)
    lookup.run()
    return lookup, _companies_of_users(connection, fan_out)


def _companies(
    change: Change, context: AuditContext, lookup: _Lookup, members: dict[int, list[str]]
) -> list[str | None]:
    scope = change.spec.scope
    if scope == "self":
        return [change.values.get("public_id")]
    if scope == "company":
        companies = Base.metadata.tables["companies"]
        return [lookup.public_id(companies, change.values.get("company_id"))]
    if context.company is not None:
        return [context.company]
    user_id = _user_id(change)
    if scope == "user" and isinstance(user_id, int) and members.get(user_id):
        return list(members[user_id])
    return [None]


def _topic_user(change: Change, lookup: _Lookup) -> tuple[str | None, str | None]:
    """publicId and name of the account the change is about (a new account is not yet in
    the database: its own values say)."""
    if change.table.name == "users":
        return change.values.get("public_id"), change.values.get("name")
    users, user_id = _user_table(), _user_id(change)
    return lookup.public_id(users, user_id), lookup.name(users, user_id)


def _actor(context: AuditContext, user: tuple[str | None, str | None]) -> Actor:
    """An anonymous request acts for the account its link or credentials named, if any."""
    public_id, name = user
    if not context.anonymous or public_id is None:
        return context.actor
    return Actor("client", public_id, name or public_id, "User")


@dataclass(slots=True)
class Recorded:
    """One written event, for what announces changes (app/webhooks/events.py)."""

    change: Change
    row: dict[str, Any]
    lookup: _Lookup

    @property
    def object(self) -> dict[str, Any]:
        """The whole row as the log writes its sides (secrets left out, references by id)."""
        return _wire(self.change, self.change.values, self.lookup) or {}


def write(connection: Connection, context: AuditContext, changes: list[Change]) -> list[Recorded]:
    rows, recorded = event_rows(connection, context, changes)
    if rows:
        connection.execute(insert(AuditEvent.__table__), rows)  # type: ignore[arg-type]
    return recorded


def event_rows(
    connection: Connection, context: AuditContext, changes: list[Change]
) -> tuple[list[dict[str, Any]], list[Recorded]]:
    """The audit rows of ``changes`` (references looked up on ``connection``), and each as
    recorded for the webhooks."""
    if not changes:
        return [], []
    lookup, members = _prepare(connection, changes)
    # Whole seconds, as answers show it: a `time` filter then means what the client sees.
    now = utcnow().replace(microsecond=0)
    rows: list[dict[str, Any]] = []
    recorded: list[Recorded] = []
    for change in changes:
        user = _topic_user(change, lookup)
        actor = _actor(context, user)
        base = {
            "action": change.action,
            "time": now,
            "topic_user": user[0],
            "ip_address": context.ip_address[:255],
            "actor_type": actor.type,
            "actor_id": actor.public_id[:24],
            "actor_name": actor.name[:255],
            "actor_kind": actor.kind,
            "application_name": context.application,
            "target": change.spec.target,
            "target_id": change.values.get("public_id"),
            "before": _wire(change, change.before, lookup),
            "after": _wire(change, change.after, lookup),
        }
        for company in _companies(change, context, lookup, members):
            rows.append(base | {"public_id": ids.secret(24), "company": company})
            recorded.append(Recorded(change, rows[-1], lookup))
    return rows, recorded
