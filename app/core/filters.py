"""`filters=`: ``operator(column,"value",...)``, ANDed, compiled to SQL on whitelisted columns."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, not_, or_
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

from app.core.clock import OUT_OF_RANGE, in_range
from app.core.errors import BadRequest
from app.core.selection import split_top_level

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


MAX_CHARS = 2000
MAX_FILTERS = 50


def parse_filters(raw: Sequence[str] | None) -> list[Filter]:
    if raw and sum(map(len, raw)) > MAX_CHARS:
        raise BadRequest(f"filters: at most {MAX_CHARS} characters", "filters")
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
            if len(filters) > MAX_FILTERS:
                raise BadRequest(f"filters: at most {MAX_FILTERS} filters", "filters")
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
            moment = in_range(datetime.fromisoformat(value.replace("Z", "+00:00")))
            if moment is None:
                raise BadRequest(f"filters: {value!r} {OUT_OF_RANGE} in '{text}'", "filters")
            return moment
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
