"""What a list or read request asks for (`fields=`, `filters=`, `page-size`, `page-after`),
parsed once as a FastAPI dependency, and keyset paging: one implementation for every endpoint.
The parsing of each parameter lives in app/core/selection.py and app/core/filters.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query
from pydantic import StringConstraints
from sqlalchemy import Row, Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from app.core import filters, selection
from app.core.errors import BadRequest
from app.core.filters import Filter, FilterColumn, compile_filter, parse_filters
from app.core.projection import plan_for, project, selects
from app.core.selection import Selection, parse_fields, shape_of
from app.db import session as db_session

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "FieldsOnly",
    "Filter",
    "FilterColumn",
    "ListParams",
    "ListQuery",
    "Page",
    "Selection",
    "SingleQuery",
    "compile_filter",
    "paginate",
    "parse_fields",
    "parse_filters",
    "plan_for",
    "project",
    "selects",
    "shape_of",
]

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 4000

_CURSOR_RE = re.compile(r"^[0-9A-Za-z-]{1,64}$")


@dataclass(frozen=True, slots=True)
class Page:
    size: int = DEFAULT_PAGE_SIZE
    after: str | None = None


@dataclass(slots=True)
class ListParams:
    """What a list request asked for, parsed; checked against the resource where it is used."""

    fields: Selection | None = None
    filters: list[Filter] = field(default_factory=list)
    page: Page = field(default_factory=Page)

    def where(self, columns: dict[str, FilterColumn]) -> list[ColumnElement[bool]]:
        return [compile_filter(f, columns) for f in self.filters]


def _page(size: int | None, after: str | None) -> Page:
    # Paging loops send `&page-after=` (empty) on their first request: no cursor.
    after = (after or "").strip() or None
    if size is not None and size < 1:
        raise BadRequest("page-size must be at least 1", "page-size")
    if after is not None and not _CURSOR_RE.match(after):
        raise BadRequest("page-after is not a cursor this service gave out", "page-after")
    return Page(min(size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE), after)


# Bounded so that the longest query string the document allows (non-ASCII text is 12 bytes a
# character, percent-encoded) still fits in what uvicorn reads (about 64 KiB a request line).
FieldsQuery = Annotated[
    list[Annotated[str, StringConstraints(max_length=selection.MAX_CHARS // 2)]] | None,
    Query(
        alias="fields",
        max_length=2,
        description='Fields to select: "publicId,name", "*", "sub.field", "sub(field,field)".',
    ),
]
FiltersQuery = Annotated[
    list[Annotated[str, StringConstraints(max_length=filters.MAX_CHARS // 4)]] | None,
    Query(
        alias="filters",
        max_length=4,
        description='Filters, e.g. eq(name,"Admin"); see the docs for all operators.',
    ),
]


async def fields_params(fields: FieldsQuery = None) -> ListParams:
    return ListParams(fields=parse_fields(fields))


async def single_params(fields: FieldsQuery = None, filters: FiltersQuery = None) -> ListParams:
    return ListParams(fields=parse_fields(fields), filters=parse_filters(filters))


async def list_params(
    fields: FieldsQuery = None,
    filters: FiltersQuery = None,
    page_size: Annotated[
        int | None, Query(alias="page-size", ge=1, description="1 or more; at most 4000 are sent.")
    ] = None,
    page_after: Annotated[
        str | None, Query(alias="page-after", description="The moreAfter of the previous page.")
    ] = None,
) -> ListParams:
    return ListParams(parse_fields(fields), parse_filters(filters), _page(page_size, page_after))


ListQuery = Annotated[ListParams, Depends(list_params)]
SingleQuery = Annotated[ListParams, Depends(single_params)]
FieldsOnly = Annotated[ListParams, Depends(fields_params)]

M = TypeVar("M")


async def paginate(
    session: AsyncSession,
    stmt: Select[M],
    model: Any,
    page: Page,
    options: Sequence[Any] = (),
) -> tuple[list[M], str | None]:
    """Keyset paging on the internal id: page 10,000 costs what page 1 costs.

    The cursor is the last item's public id, resolved inside the same (tenant-scoped,
    filtered) statement as a subquery: one round trip, and a cursor from another list or
    company matches nothing. Only an empty page looks the cursor up again, to tell a finished
    list from a cursor this list never gave out (400).
    """
    query = _page_query(stmt, model, page).options(*options)
    rows = list((await session.scalars(query)).unique())
    return await _cut(session, stmt, model, page, rows)


async def paginate_rows(
    session: AsyncSession, stmt: Select[Any], model: Any, page: Page
) -> tuple[list[Row[Any]], str | None]:
    """`paginate` for a select of columns (``model.public_id`` among them): Core rows, no ORM
    objects built, for the hot read operations."""
    connection = await db_session.connection(session)
    rows = list((await connection.execute(_page_query(stmt, model, page))).all())
    return await _cut(session, stmt, model, page, rows)


def _page_query(stmt: Select[Any], model: Any, page: Page) -> Select[Any]:
    query = stmt
    if page.after is not None:
        cursor = (
            stmt.with_only_columns(model.id)
            .where(model.public_id == page.after)
            .correlate(None)
            .scalar_subquery()
        )
        query = stmt.where(model.id > cursor)
    return query.order_by(model.id).limit(page.size + 1)


async def _cut(
    session: AsyncSession, stmt: Select[Any], model: Any, page: Page, rows: list[Any]
) -> tuple[list[Any], str | None]:
    """The page without the one row past it, and the cursor of the next page if there is one."""
    if page.after is not None and not rows:
        known = await session.scalar(
            stmt.with_only_columns(model.id).where(model.public_id == page.after).limit(1)
        )
        if known is None:
            raise BadRequest(
                "page-after names no item of this list; start again without it", "page-after"
            )
    more = len(rows) > page.size
    rows = rows[: page.size]
    return rows, (getattr(rows[-1], "public_id", None) if more and rows else None)
