"""The serializer of every answer: which way of writing IXON's JSON (`", "` and `": "`) is
fastest, measured in one run on answers shaped like ours.

Candidates: what app/core/envelope.py uses (`render`: the C core of the standard library's
encoder, `json.encoder.c_make_encoder`, built once), a `JSONEncoder` built once (public API;
its `encode` still builds that core per call), `json.dumps` with our arguments (a new encoder
per call), and for reference Starlette's compact default (what answers cost before; it cannot
emit IXON's separators) and `json.dumps` with no arguments (cached by the standard library,
but it escapes every non-ASCII letter). orjson is not a candidate: it cannot emit those
separators. Prints microseconds per answer and each one's ratio to the encoder the service
uses, and checks first that every IXON-style candidate writes the same bytes.

    python -m bench.serialization [--repeat 15]
"""

from __future__ import annotations

import argparse
import json
import statistics
import timeit
from collections.abc import Callable
from typing import Any

from starlette.responses import JSONResponse

from app.core import envelope

Serializer = Callable[[Any], bytes]


def _dumps(content: Any) -> bytes:
    return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(", ", ": ")).encode(
        "utf-8"
    )


_PUBLIC_ENCODER = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, check_circular=False, separators=(", ", ": ")
)


def _public_encoder(content: Any) -> bytes:
    return _PUBLIC_ENCODER.encode(content).encode("utf-8")


_STARLETTE = JSONResponse(None)


def _starlette(content: Any) -> bytes:
    return _STARLETTE.render(content)


def _ascii_default(content: Any) -> bytes:
    return json.dumps(content).encode("utf-8")


CANDIDATES: dict[str, Serializer] = {
    "envelope.render (C encoder built once)": envelope.render,
    "JSONEncoder built once (public API)": _public_encoder,
    "json.dumps(..., separators=...) per call": _dumps,
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
    timers = {
        name: timeit.Timer(lambda s=serialize: s(payload)) for name, serialize in CANDIDATES.items()
    }
    number = max(timer.autorange()[0] for timer in timers.values())
    runs: dict[str, list[float]] = {name: [] for name in timers}
    for _ in range(repeat):
        for name, timer in timers.items():
            runs[name].append(timer.timeit(number) / number * 1e6)
    return {name: statistics.median(times) for name, times in runs.items()}


def main(repeat: int) -> None:
    for payload in PAYLOADS.values():
        written = {CANDIDATES[name](payload) for name in IXON_STYLE}
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
