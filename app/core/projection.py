"""What an answer shows of a resource: the caller's `fields=` (or the resource's default) applied
to a presenter's dict, in the response model's property order.

A selection is compiled once per answer into a `Plan` against the model's shape (which also
refuses fields the resource does not have), then applied to every item: a page of 4000 rows
costs one compilation. `publicId` is always shown, at the top and in every nested object
shown, whatever `fields=` says (IXON's clients ask `fields=custom,name` and then read it).
A nested object that is not asked into stays a ``{"publicId"}`` stub.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel

from app.core.errors import BadRequest
from app.core.selection import Selection, Shape, parse_fields, shape_of

PUBLIC_ID = "publicId"


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    plan: Plan | None = None  # the nested object (or each of a list) is shown through this
    stub: bool = False  # a reference not asked into: only its publicId


Plan = tuple[Step, ...]


def _check(selection: Selection, shape: Shape, prefix: str) -> None:
    for name, sub in selection.items():
        if name == "*":
            continue
        if name not in shape:
            raise BadRequest(f"fields: '{prefix}{name}' is not a field of this resource", "fields")
        if sub is not None and shape[name] is None:
            raise BadRequest(f"fields: '{prefix}{name}' has no sub-fields", "fields")


def compile_plan(selection: Selection, shape: Shape, prefix: str = "") -> Plan:
    """The steps that show ``selection`` of a resource of ``shape``, in the shape's order."""
    _check(selection, shape, prefix)
    everything = "*" in selection
    steps = []
    for name, nested in shape.items():
        if not (everything or name in selection or name == PUBLIC_ID):
            continue
        sub = selection.get(name)
        if sub is not None and nested is not None:
            steps.append(Step(name, compile_plan(sub, nested, f"{prefix}{name}.")))
        else:
            steps.append(Step(name, stub=nested is not None and PUBLIC_ID in nested))
    return tuple(steps)


@cache
def default_selection(model: type[BaseModel]) -> Selection:
    """The resource's documented default (its ``default_fields``; else publicId and name)."""
    text = getattr(model, "default_fields", "publicId,name")
    selection = parse_fields([text])
    assert selection is not None, f"{model.__name__}.default_fields is empty"
    return selection


@cache
def _default_plan(model: type[BaseModel]) -> Plan:
    return compile_plan(default_selection(model), shape_of(model))


def plan_for(
    model: type[BaseModel], selection: Selection | None, always: Iterable[str] = ()
) -> Plan:
    """The plan of one answer: the caller's selection (checked), or the model's default;
    ``always`` names fields shown whatever was asked (a new token's ``secretId``)."""
    if selection is None:
        if not always:
            return _default_plan(model)
        selection = default_selection(model)
    if always:
        selection = {**{name: None for name in always}, **selection}
    return compile_plan(selection, shape_of(model))


def _stub(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {PUBLIC_ID: value.get(PUBLIC_ID)}
    if isinstance(value, list):
        return [_stub(v) for v in value]
    return value


def apply(plan: Plan, data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for step in plan:
        if step.name not in data:
            continue
        value = data[step.name]
        if step.plan is not None:
            if isinstance(value, list):
                value = [apply(step.plan, v) if isinstance(v, Mapping) else v for v in value]
            elif isinstance(value, Mapping):
                value = apply(step.plan, value)
        elif step.stub:
            value = _stub(value)
        out[step.name] = value
    return out


def project(
    data: Mapping[str, Any], model: type[BaseModel], selection: Selection | None
) -> dict[str, Any]:
    """One object as an answer shows it (for a single object; pages compile once)."""
    return apply(plan_for(model, selection), data)


def selects(selection: Selection | None, name: str, model: type[BaseModel]) -> bool:
    """Whether the answer will show ``name``: services load a relationship only then."""
    if selection is None:
        selection = default_selection(model)
    return "*" in selection or name in selection
