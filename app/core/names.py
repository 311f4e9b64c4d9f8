"""Names that are unique within a company (roles, group types): compared trimmed and
case-insensitively, as the unique indexes on ``lower(name)`` hold them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError, Conflict
from app.db.conflicts import parking_name


class Named(Protocol):
    name: str
    public_id: str


def name_key(name: str) -> str:
    return name.strip().casefold()


def unique_names(
    names: Sequence[str], taken: Iterable[str], *, exists: str, repeated: str
) -> dict[int, AppError]:
    """The conflict of each new name (the items of a bulk create, by index) that the company
    has already, or that an earlier item of the request gives too. ``exists`` and ``repeated``
    are the messages, with ``{name}`` where the name goes."""
    owned = {name_key(name) for name in taken}
    sent: set[str] = set()
    clashes: dict[int, AppError] = {}
    for index, name in enumerate(names):
        key = name_key(name)
        if key in owned:
            clashes[index] = Conflict(exists.format(name=name), "name").at_index(index)
        elif key in sent:
            clashes[index] = Conflict(repeated.format(name=name), "name").at_index(index)
        sent.add(key)
    return clashes


def unique_renames(
    renames: Sequence[tuple[str, str] | None], outcome: Iterable[str], *, exists: str
) -> list[AppError]:
    """A conflict for each rename (``(old, new)`` per item of the request, by index; None for
    an item that renames nothing) whose new name another row would have too. Checked on the
    ``outcome`` (every name of the company once the request is done), so two rows may swap
    names in one request."""
    counts = Counter(name_key(name) for name in outcome)
    return [
        Conflict(exists.format(name=new), "name").at_index(index)
        for index, rename in enumerate(renames)
        if rename is not None
        for old, new in [rename]
        if name_key(new) != name_key(old) and counts[name_key(new)] > 1
    ]


async def park_renamed(session: AsyncSession, renames: Sequence[tuple[Named, str | None]]) -> None:
    """Rows may swap names in one request, and a unique index holds at every row written: when
    more than one row is renamed, each first takes a name nobody has (flushed)."""
    renamed = [
        row for row, name in renames if name is not None and name_key(name) != name_key(row.name)
    ]
    if len(renamed) > 1:
        for row in renamed:
            row.name = parking_name(row.public_id)
        await session.flush()


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
