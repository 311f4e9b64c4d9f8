"""The serializer of every answer: which way of writing IXON's JSON (`", "` and `": "`) is
fastest, measured in one run on answers shaped like ours.

Candidates: `json.dumps` with our arguments (a new encoder per call), a `JSONEncoder` built
once (what app/core/envelope.py uses), the C encoder built once (CPython's private
`json.encoder.c_make_encoder`), and for reference Starlette's compact default (what answers
cost before; it cannot emit IXON's separators) and `json.dumps` with no arguments (cached by
the standard library, but it escapes every non-ASCII letter). orjson is not a candidate: it
cannot emit those separators. Prints microseconds per answer and each one's ratio to the
encoder the service uses, and checks that every IXON-style candidate writes the same bytes.

    python -m bench.serialization [--repeat 15]
"""

from __future__ import annotations

import argparse
import json
import statistics
import timeit
from collections.abc import Callable
from json import encoder as json_encoder
from typing import Any

from starlette.responses import JSONResponse

from app.core import envelope

Serializer = Callable[[Any], bytes]


def _dumps(content: Any) -> bytes:
    return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(", ", ": ")).encode(
        "utf-8"
    )


def _refuse(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not JSON")


_C_ENCODER = (
    json_encoder.c_make_encoder(  # type: ignore[attr-defined]
        None, _refuse, json_encoder.encode_basestring, None, ": ", ", ", False, False, False
    )
    if json_encoder.c_make_encoder is not None  # type: ignore[attr-defined]
    else None
)


def _c_encoder(content: Any) -> bytes:
    assert _C_ENCODER is not None
    return "".join(_C_ENCODER(content, 0)).encode("utf-8")


def _starlette(content: Any) -> bytes:
    return JSONResponse(None).render(content)


def _ascii_default(content: Any) -> bytes:
    return json.dumps(content).encode("utf-8")


CANDIDATES: dict[str, Serializer] = {
    "envelope.render (JSONEncoder built once)": envelope.render,
    "json.dumps(..., separators=...) per call": _dumps,
    "C encoder built once (private API)": _c_encoder,
    "reference: Starlette compact (no IXON separators)": _starlette,
    "reference: json.dumps() defaults (ASCII escapes)": _ascii_default,
}
IXON_STYLE = list(CANDIDATES)[:3]


def _role(i: int) -> dict[str, Any]:
    return {"publicId": f"R{i:011d}", "name": f"Rôle {i}", "description": "Kan alles zien"}


def _user(i: int) -> dict[str, Any]:
    return {
        "publicId": f"U{i:011d}",
        "type": "person",
        "name": f"Jürgen Müller {i}",
        "emailAddress": f"user.{i}@example.com",
        "memberships": [
            {
                "publicId": f"M{i:011d}",
                "user": {"publicId": f"U{i:011d}"},
                "invite": None,
                "group": {"publicId": "G00000000001"},
                "role": {"publicId": "R00000000001"},
                "expiresOn": None,
            }
        ],
        "custom": {"department": "Sales", "level": i % 5},
    }


def _listing(type_: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": type_, "data": items, "moreAfter": None, "status": "success"}


PAYLOADS: dict[str, Any] = {
    "error (1 item)": {
        "type": "Error",
        "data": [{"message": "Required header", "propertyName": "Api-Company", "listIndex": None}],
        "status": "error",
    },
    "new token": {
        "type": "AccessToken",
        "data": {
            "publicId": "T00000000001",
            "expiresOn": "2026-01-01T00:00:00Z",
            "secretId": "s" * 32,
            "user": {"publicId": "U00000000001", "name": "Ada", "emailAddress": "a@b.example"},
        },
        "status": "success",
    },
    "20 roles": _listing("Role", [_role(i) for i in range(20)]),
    "100 users with memberships": _listing("User", [_user(i) for i in range(100)]),
    "4000 roles": _listing("Role", [_role(i) for i in range(4000)]),
}


def _figures(payload: Any, repeat: int) -> dict[str, float]:
    """Microseconds per answer of each candidate: the median of ``repeat`` rounds, the
    candidates interleaved within each round so that a busy machine slows them alike."""
    timers = {name: timeit.Timer(lambda s=serialize: s(payload)) for name, serialize in _usable()}
    number = max(timer.autorange()[0] for timer in timers.values())
    runs: dict[str, list[float]] = {name: [] for name in timers}
    for _ in range(repeat):
        for name, timer in timers.items():
            runs[name].append(timer.timeit(number) / number * 1e6)
    return {name: statistics.median(times) for name, times in runs.items()}


def _usable() -> list[tuple[str, Serializer]]:
    return [(n, s) for n, s in CANDIDATES.items() if _C_ENCODER is not None or s is not _c_encoder]


def main(repeat: int) -> None:
    for payload in PAYLOADS.values():
        written = {serialize(payload) for name, serialize in _usable() if name in IXON_STYLE}
        assert len(written) == 1, "the IXON-style candidates disagree"
    used = IXON_STYLE[0]
    width = max(len(name) for name in CANDIDATES)
    for title, payload in PAYLOADS.items():
        print(f"\n{title} ({len(envelope.render(payload))} bytes)")
        print(f"  {'candidate':<{width}}  {'µs/answer':>10}  {'ratio':>6}")
        figures = _figures(payload, repeat)
        for name, micros in figures.items():
            print(f"  {name:<{width}}  {micros:>10.1f}  {micros / figures[used]:>6.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    main(parser.parse_args().repeat)
