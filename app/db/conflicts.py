"""A unique index that refuses a write is a 409 with words, not a 500.

Services check uniqueness first, for a friendly message naming the item; the database holds
it under concurrency. When two requests race past the check, the loser meets the index, at a
flush or at the commit. Which index it was says what clashed: an index (or unique constraint)
of the models may carry ``info={"conflict": (message, propertyName)}``.
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy import Index, UniqueConstraint
from sqlalchemy.exc import IntegrityError

from app.core.errors import Conflict
from app.db.base import Base

DEFAULT = "The request conflicts with a change made at the same time; try again"
CONFLICT_INFO = "conflict"
# SQLite names an expression index, or lists the columns of any other unique index.
_SQLITE_INDEX = re.compile(r"UNIQUE constraint failed: index '([^']+)'")
_SQLITE_COLUMNS = re.compile(r"UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)")


def _uniques() -> list[Index | UniqueConstraint]:
    found: list[Index | UniqueConstraint] = []
    for table in Base.metadata.tables.values():
        found += [i for i in table.indexes if i.unique]
        found += [c for c in table.constraints if isinstance(c, UniqueConstraint)]
    return found


def _spans(unique: Index | UniqueConstraint, table: str, columns: list[str]) -> bool:
    return (
        unique.table is not None
        and unique.table.name == table
        and columns == [c.name for c in unique.columns]
    )


def _named(error: IntegrityError) -> Index | UniqueConstraint | None:
    """The unique index or constraint the database names in ``error``, if it is a model's."""
    uniques = _uniques()
    # asyncpg's exception (the driver error's cause) names the constraint.
    for candidate in (error.orig, getattr(error.orig, "__cause__", None)):
        name = getattr(candidate, "constraint_name", None)
        if name:
            return next((u for u in uniques if u.name == name), None)
    message = str(error.orig)
    if match := _SQLITE_INDEX.search(message):
        return next((u for u in uniques if u.name == match.group(1)), None)
    if match := _SQLITE_COLUMNS.search(message):
        qualified = [c.split(".", 1) for c in match.group(1).split(", ")]
        table, columns = qualified[0][0], [c[-1] for c in qualified]
        return next((u for u in uniques if _spans(u, table, columns)), None)
    return None


def conflict(error: IntegrityError) -> Conflict:
    """The 409 for a write the database refused."""
    unique = _named(error)
    message, property_name = (
        unique.info.get(CONFLICT_INFO, (DEFAULT, None)) if unique is not None else (DEFAULT, None)
    )
    return Conflict(message, property_name)


def parking_name(public_id: str) -> str:
    """A name nobody has, for a row on its way to another row's name: a unique index holds at
    every row written, so of two rows swapping names, each parks here first."""
    return f"{public_id} {secrets.token_hex(8)}"
