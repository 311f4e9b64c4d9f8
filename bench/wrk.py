"""The load generator: Debian's `wrk` (C), pinned to the core the server does not use.

The request (method, headers, body) reaches wrk.lua through the environment; its `done` hook
prints one JSON line with the counts and percentiles this module reads.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import LOAD_CPU, BenchError, pinned

SCRIPT = Path(__file__).with_name("wrk.lua")
MARK = "BENCH-JSON "
# An answer slower than this counts as a timeout: the p99 is then at least this long.
TIMEOUT_SECONDS = 10


def ensure_wrk() -> None:
    """Debian's wrk, installed with apt-get when it is missing (we run as root here)."""
    if shutil.which("wrk") is not None:
        return
    if shutil.which("apt-get") is not None:
        for step in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
            subprocess.run(
                step,
                env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
                capture_output=True,
                check=False,
            )
    if shutil.which("wrk") is None:
        raise BenchError("wrk is not installed and `apt-get install wrk` did not install it")


@dataclass(frozen=True)
class Load:
    """One kind of request, sent again and again."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "GET"
    body: str | None = None


@dataclass(frozen=True)
class Outcome:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # socket errors and answers of 400 or more
    timeouts: int = 0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def command(load: Load, seconds: int, connections: int) -> list[str]:
    return pinned(
        LOAD_CPU,
        [
            "wrk",
            "--threads",
            "1",
            "--connections",
            str(connections),
            "--duration",
            f"{seconds}s",
            "--timeout",
            f"{TIMEOUT_SECONDS}s",
            "--latency",
            "--script",
            str(SCRIPT),
            load.url,
        ],
    )


def environment(load: Load) -> dict[str, str]:
    lines = "\n".join(f"{name}: {value}" for name, value in load.headers.items())
    env = {**os.environ, "BENCH_METHOD": load.method, "BENCH_HEADERS": lines}
    if load.body is not None:
        env["BENCH_BODY"] = load.body
    return env


def start(load: Load, seconds: int, connections: int) -> subprocess.Popen[str]:
    """wrk in the background; `finish` reads its figures."""
    return subprocess.Popen(
        command(load, seconds, connections),
        env=environment(load),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> Outcome:
    out, err = process.communicate()
    for line in out.splitlines():
        if line.startswith(MARK):
            return outcome(json.loads(line[len(MARK) :]))
    raise BenchError(f"wrk printed no figures (exit {process.returncode}): {err.strip()[-300:]}")


def outcome(figures: dict[str, int]) -> Outcome:
    """wrk's histogram holds answered requests only: timeouts past 1% put p99 at the timeout."""
    answered, timeouts = figures["requests"], figures["timeout"]
    p99_ms = figures["p99_us"] / 1000
    if timeouts > 0.01 * (answered + timeouts):
        p99_ms = max(p99_ms, TIMEOUT_SECONDS * 1000)
    return Outcome(
        requests=answered,
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=p99_ms,
        errors=sum(figures[k] for k in ("connect", "read", "write", "status")),
        timeouts=timeouts,
    )


def run(load: Load, seconds: int, connections: int) -> Outcome:
    return finish(start(load, seconds, connections))
