"""`fields=`: which properties an answer shows, parsed into a `Selection` tree.

``publicId,name``, ``*``, ``sub.field``, ``sub(field,field)``, ``sub.*``; spaces and empty
parts (a trailing comma) are ignored. app/core/projection.py applies a selection to an answer,
against the response model's `Shape`.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Sequence
from functools import cache
from typing import Any, Union

from pydantic import BaseModel

from app.core.errors import BadRequest

Selection = dict[str, "Selection | None"]
Shape = dict[str, "Shape | None"]


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


_NAME = r"[A-Za-z_][A-Za-z0-9_]*|\*"


def _merge(into: Selection, name: str, sub: Selection | None) -> None:
    if name in into and into[name] is not None and sub is not None:
        target = into[name]
        assert target is not None
        for key, value in sub.items():
            _merge(target, key, value)
    elif sub is not None or name not in into:
        into[name] = sub


# No answer nests deeper than this; a deeper selection is an attack on the parser's stack.
MAX_DEPTH = 8
MAX_CHARS = 2000


def _parse_field(expr: str, into: Selection, depth: int = 1) -> None:
    if depth > MAX_DEPTH:
        raise BadRequest(f"fields: nested more than {MAX_DEPTH} levels deep", "fields")
    match = re.fullmatch(rf"({_NAME})\((.*)\)", expr, re.S)
    if match:
        inner: Selection = {}
        for part in split_top_level(match.group(2)):
            _parse_field(part, inner, depth + 1)
        _merge(into, match.group(1), inner)
        return
    head, dot, rest = expr.partition(".")
    if not re.fullmatch(_NAME, head) or (dot and not rest):
        raise BadRequest(f"fields: cannot read '{expr}'", "fields")
    if dot:
        inner = {}
        _parse_field(rest, inner, depth + 1)
        _merge(into, head, inner)
    else:
        _merge(into, head, None)


def parse_fields(raw: Sequence[str] | None) -> Selection | None:
    if not raw:
        return None
    if sum(map(len, raw)) > MAX_CHARS:
        raise BadRequest(f"fields: at most {MAX_CHARS} characters", "fields")
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
