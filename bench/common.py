"""Shared pieces of the benchmarks: a scratch database, a server process, a load loop."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from app.db import migrate

POSTGRES_ADMIN_URL = os.environ.get(
    "IXON_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


@contextlib.asynccontextmanager
async def scratch_postgres() -> AsyncIterator[str]:
    """A new, migrated PostgreSQL database, dropped afterwards."""
    name = f"ixon_bench_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        yield url
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def server(target: str, env: dict[str, str], *, factory: bool = False) -> Iterator[str]:
    """A uvicorn process serving ``target`` on 127.0.0.1; yields its base URL."""
    port = free_port()
    args = [sys.executable, "-m", "uvicorn", target, "--port", str(port), "--log-level", "warning"]
    if factory:
        args.append("--factory")
    process = subprocess.Popen(args, env={**os.environ, **env}, cwd=Path(__file__).parents[1])
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(base + "/", timeout=1)
                break
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p99(self) -> float:
        return sorted(self.latencies)[int(len(self.latencies) * 0.99) - 1] * 1000


async def load(
    name: str, url: str, headers: dict[str, str], *, requests: int, concurrency: int = 8
) -> Result:
    """``requests`` GETs of ``url`` from ``concurrency`` workers; every answer must be 200."""
    latencies: list[float] = []
    remaining = requests
    async with httpx.AsyncClient(headers=headers, timeout=30) as client:
        for _ in range(20):  # warm-up
            (await client.get(url)).raise_for_status()

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                started = time.perf_counter()
                response = await client.get(url)
                latencies.append(time.perf_counter() - started)
                response.raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return Result(name, len(latencies), elapsed, latencies)


def table(title: str, results: list[Result], baseline: Result) -> str:
    lines = [title, f"{'':<34}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'vs baseline':>13}"]
    for r in results:
        lines.append(
            f"{r.name:<34}{r.rate:>9.0f}{r.p50:>9.2f}{r.p99:>9.2f}{r.rate / baseline.rate:>12.2f}x"
        )
    return "\n".join(lines)
