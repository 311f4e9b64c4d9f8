"""`fields=`: which properties an answer shows.

``publicId,name``, ``*``, ``sub.field``, ``sub(field,field)``, ``sub.*``; nested objects not
named explicitly stay ``{"publicId"}`` stubs. Checked against the response model's shape.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any, Union

from pydantic import BaseModel

from app.core.errors import BadRequest

DEFAULT_FIELDS = ("publicId", "name")

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
