"""`fields=`, `filters=` and keyset paging: one implementation shared by every endpoint.

- ``fields``: ``publicId,name``, ``*``, ``sub.field``, ``sub(field,field)``, ``sub.*``; nested
  objects not named explicitly stay ``{"publicId"}`` stubs.
- ``filters``: ``operator(column,"value",...)``, ANDed, compiled to SQL on whitelisted columns.
- paging: ``page-size`` (default 20, at most 4000) and ``page-after`` = the ``moreAfter`` cursor.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Annotated, Any, TypeVar, Union

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, and_, not_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

from app.core.errors import BadRequest

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 4000
DEFAULT_FIELDS = ("publicId", "name")

Selection = dict[str, "Selection | None"]
Shape = dict[str, "Shape | None"]

# --- splitting -----------------------------------------------------------------------------


def split_top_level(text: str) -> list[str]:
    """Split on commas outside parentheses and double quotes; trim each part."""
    parts, depth, quoted, current, escaped = [], 0, False, [], False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
            continue
        if char == "\\" and quoted:
            escaped = True
            current.append(char)
            continue
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        if char == "," and depth == 0 and not quoted:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


# --- fields --------------------------------------------------------------------------------

_NAME = r"[A-Za-z_][A-Za-z0-9_]*|\*"


def _merge(into: Selection, name: str, sub: Selection | None) -> None:
    if name in into and into[name] is not None and sub is not None:
        target = into[name]
        assert target is not None
        for key, value in sub.items():
            _merge(target, key, value)
    elif sub is not None or name not in into:
        into[name] = sub


def _parse_field(expr: str, into: Selection) -> None:
    match = re.fullmatch(rf"({_NAME})\((.*)\)", expr, re.S)
    if match:
        inner: Selection = {}
        for part in split_top_level(match.group(2)):
            _parse_field(part, inner)
        _merge(into, match.group(1), inner)
        return
    head, dot, rest = expr.partition(".")
    if not re.fullmatch(_NAME, head) or (dot and not rest):
        raise BadRequest(f"fields: cannot read '{expr}'", "fields")
    if dot:
        inner = {}
        _parse_field(rest, inner)
        _merge(into, head, inner)
    else:
        _merge(into, head, None)


def parse_fields(raw: Sequence[str] | None) -> Selection | None:
    if not raw:
        return None
    selection: Selection = {}
    for chunk in raw:
        if chunk.count("(") != chunk.count(")"):
            raise BadRequest(f"fields: unbalanced parentheses in '{chunk}'", "fields")
        for expr in split_top_level(chunk):
            _parse_field(expr, selection)
    return selection or None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside ``Model``, ``Model | None`` or ``list[Model]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_of(arg)
            if found is not None:
                return found
    return None


@cache
def shape_of(model: type[BaseModel]) -> Shape:
    """Field names of a response model and, for nested objects, their own shapes."""
    shape: Shape = {}
    for name, info in model.model_fields.items():
        nested = _model_of(info.annotation)
        shape[name] = shape_of(nested) if nested is not None and nested is not model else None
    return shape


def check_fields(selection: Selection, shape: Shape, prefix: str = "") -> None:
    for name, sub in selection.items():
        if name == "*":
            continue
        if name not in shape:
            raise BadRequest(f"fields: '{prefix}{name}' is not a field of this resource", "fields")
        nested = shape[name]
        if sub is not None:
            if nested is None:
                raise BadRequest(f"fields: '{prefix}{name}' has no sub-fields", "fields")
            check_fields(sub, nested, f"{prefix}{name}.")


def selects(
    selection: Selection | None, name: str, default: Iterable[str] = DEFAULT_FIELDS
) -> bool:
    """Whether the answer will show ``name``: services load a relationship only then."""
    if selection is None:
        return name in default
    return "*" in selection or name in selection


def _stub(value: Any) -> Any:
    if isinstance(value, dict) and "publicId" in value:
        return {"publicId": value["publicId"]}
    if isinstance(value, list):
        return [_stub(v) for v in value]
    return value


def project(
    data: dict[str, Any], selection: Selection | None, default: Iterable[str]
) -> dict[str, Any]:
    """Keep what ``selection`` names (or ``default``); nested references not named stay stubs."""
    if selection is None:
        return {k: _stub(data[k]) for k in default if k in data}
    names = list(data) if "*" in selection else []
    names += [n for n in selection if n != "*" and n not in names]
    out: dict[str, Any] = {}
    for name in names:
        if name not in data:
            continue
        value, sub = data[name], selection.get(name)
        if sub is None:
            out[name] = _stub(value)
        elif isinstance(value, list):
            out[name] = [project(v, sub, ()) if isinstance(v, dict) else v for v in value]
        elif isinstance(value, dict):
            out[name] = project(value, sub, ())
        else:
            out[name] = value
    return out


# --- filters -------------------------------------------------------------------------------

OPERATORS = {
    "lt": "lt",
    "less": "lt",
    "lte": "lte",
    "lessorequal": "lte",
    "eq": "eq",
    "equals": "eq",
    "ne": "ne",
    "differs": "ne",
    "gt": "gt",
    "greater": "gt",
    "gte": "gte",
    "greaterorequal": "gte",
    "in": "in",
    "ni": "ni",
    "isnull": "isnull",
    "isnotnull": "isnotnull",
    "between": "between",
    "contains": "contains",
}
_ARITY = {
    "isnull": (0, 0),
    "isnotnull": (0, 0),
    "between": (2, 2),
    "in": (1, None),
    "ni": (1, None),
}


@dataclass(frozen=True, slots=True)
class Filter:
    op: str
    column: str
    values: tuple[str | None, ...]
    text: str


@dataclass(frozen=True, slots=True)
class FilterColumn:
    """A filterable column: its SQL expression and how a text value becomes a value of it."""

    expr: ColumnElement[Any] | QueryableAttribute[Any]
    kind: type = str
    normalize: Callable[[str], str] | None = None


def _unquote(raw: str, text: str) -> str | None:
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        return re.sub(r"\\(.)", r"\1", raw[1:-1])
    if raw == "null":
        return None
    if re.fullmatch(r"[A-Za-z0-9_.:+@-]+", raw):
        return raw
    raise BadRequest(f"filters: cannot read the value {raw!r} in '{text}'", "filters")


def parse_filters(raw: Sequence[str] | None) -> list[Filter]:
    filters: list[Filter] = []
    for chunk in raw or ():
        for text in split_top_level(chunk):
            match = re.fullmatch(r"([A-Za-z]+)\((.*)\)", text, re.S)
            if not match:
                raise BadRequest(f"filters: '{text}' is not operator(column,value)", "filters")
            op = OPERATORS.get(match.group(1).lower())
            if op is None:
                raise BadRequest(f"filters: unknown operator '{match.group(1)}'", "filters")
            column, *values = split_top_level(match.group(2)) or [""]
            low, high = _ARITY.get(op, (1, 1))
            if (
                not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", column)
                or len(values) < low
                or (high is not None and len(values) > high)
            ):
                raise BadRequest(f"filters: wrong arguments in '{text}'", "filters")
            filters.append(Filter(op, column, tuple(_unquote(v, text) for v in values), text))
    return filters


def _convert(value: str | None, column: FilterColumn, text: str) -> Any:
    if value is None:
        return None
    try:
        if column.kind is bool:
            if value.lower() not in ("true", "false"):
                raise ValueError(value)
            return value.lower() == "true"
        if column.kind is int:
            return int(value)
        if column.kind is datetime:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(
            f"filters: {value!r} is not a valid value in '{text}'", "filters"
        ) from None
    return column.normalize(value) if column.normalize else value


def compile_filter(f: Filter, columns: dict[str, FilterColumn]) -> ColumnElement[bool]:
    column = columns.get(f.column)
    if column is None:
        raise BadRequest(f"filters: '{f.column}' cannot be filtered on", "filters")
    expr, values = column.expr, [_convert(v, column, f.text) for v in f.values]
    if f.op == "isnull":
        return expr.is_(None)
    if f.op == "isnotnull":
        return expr.is_not(None)
    if f.op == "in":
        return expr.in_(values)
    if f.op == "ni":
        return or_(expr.not_in(values), expr.is_(None))
    if f.op == "between":
        return and_(expr >= values[0], expr <= values[1])
    value = values[0]
    if f.op == "contains":
        if column.kind is not str or value is None:
            raise BadRequest(f"filters: contains needs a text column in '{f.text}'", "filters")
        escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return expr.ilike(f"%{escaped}%", escape="\\")
    if value is None:
        return expr.is_(None) if f.op == "eq" else not_(expr.is_(None))
    comparisons: dict[str, Callable[[], ColumnElement[bool]]] = {
        "eq": lambda: expr == value,
        "ne": lambda: or_(expr != value, expr.is_(None)),
        "lt": lambda: expr < value,
        "lte": lambda: expr <= value,
        "gt": lambda: expr > value,
        "gte": lambda: expr >= value,
    }
    return comparisons[f.op]()


# --- paging --------------------------------------------------------------------------------

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
    if size is not None and size < 1:
        raise BadRequest("page-size must be at least 1", "page-size")
    if after is not None and not _CURSOR_RE.match(after):
        raise BadRequest("page-after is not a cursor this service gave out", "page-after")
    return Page(min(size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE), after or None)


FieldsQuery = Annotated[
    list[str] | None,
    Query(
        alias="fields",
        description='Fields to select: "publicId,name", "*", "sub.field", "sub(field,field)".',
    ),
]
FiltersQuery = Annotated[
    list[str] | None,
    Query(
        alias="filters",
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
    page_size: Annotated[int | None, Query(alias="page-size", description="At most 4000.")] = None,
    page_after: Annotated[
        str | None, Query(alias="page-after", description="The moreAfter of the previous page.")
    ] = None,
) -> ListParams:
    return ListParams(parse_fields(fields), parse_filters(filters), _page(page_size, page_after))


async def list_fields_params(
    fields: FieldsQuery = None,
    page_size: Annotated[int | None, Query(alias="page-size", description="At most 4000.")] = None,
    page_after: Annotated[
        str | None, Query(alias="page-after", description="The moreAfter of the previous page.")
    ] = None,
) -> ListParams:
    """For lists IXON declares without ``filters`` (roles, group roles)."""
    return ListParams(parse_fields(fields), [], _page(page_size, page_after))


ListQuery = Annotated[ListParams, Depends(list_params)]
ListFieldsQuery = Annotated[ListParams, Depends(list_fields_params)]
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
    query = stmt
    if page.after is not None:
        cursor = (
            stmt.with_only_columns(model.id)
            .where(model.public_id == page.after)
            .correlate(None)
            .scalar_subquery()
        )
        query = stmt.where(model.id > cursor)
    query = query.order_by(model.id).limit(page.size + 1).options(*options)
    rows = list((await session.scalars(query)).unique())
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
