"""Shared pieces of the benchmarks: a scratch database, pinned processes, their memory."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import asyncpg
import httpx

POSTGRES_ADMIN_URL = os.environ.get(
    "IXON_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")
IXON_API = str(Path(sys.executable).parent / "ixon-api")
# The server under test gets one core; the load generator, the mail sink and this script the
# other, so the load never takes CPU from the server it measures.
SERVER_CPU = 0
LOAD_CPU = 1
READY_SECONDS = 60


class BenchError(Exception):
    """Something the run needs is missing or broke: one line for the operator."""


@contextlib.contextmanager
def scratch_postgres() -> Iterator[str]:
    """A new PostgreSQL database migrated by `ixon-api migrate`, dropped afterwards."""
    name = f"ixon_bench_{uuid.uuid4().hex[:8]}"
    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        migrated = subprocess.run(
            [IXON_API, "migrate"],
            env={**os.environ, "IXON_DATABASE_URL": url},
            capture_output=True,
            text=True,
            check=False,
        )
        if migrated.returncode != 0:
            raise BenchError(f"ixon-api migrate failed: {migrated.stderr.strip()[-300:]}")
        yield url
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def admin(statement: str) -> None:
    try:
        connection = await asyncpg.connect(asyncpg_dsn(POSTGRES_ADMIN_URL))
    except (OSError, asyncpg.PostgresError) as error:
        raise BenchError(f"PostgreSQL at {POSTGRES_ADMIN_URL}: {error}") from None
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def in_database(dsn: str, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    """``work`` on one asyncpg connection of its own (setup and checks, never load)."""

    async def run() -> T:
        connection = await asyncpg.connect(dsn)
        try:
            return await work(connection)
        finally:
            await connection.close()

    return asyncio.run(run())


def progress(message: str) -> None:
    """What the run is doing, on stderr: the table alone goes to stdout."""
    print(f"  {time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def asyncpg_dsn(url: str) -> str:
    """The SQLAlchemy URL as asyncpg itself takes it."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def check_machine() -> None:
    """Two cores to pin to, and taskset to pin with."""
    if shutil.which("taskset") is None:
        raise BenchError("taskset is missing (Debian package util-linux)")
    if not {SERVER_CPU, LOAD_CPU} <= os.sched_getaffinity(0):
        raise BenchError(f"needs CPUs {SERVER_CPU} and {LOAD_CPU}; this process may use fewer")
    os.sched_setaffinity(0, {LOAD_CPU})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def pinned(cpu: int, args: list[str]) -> list[str]:
    return ["taskset", "--cpu-list", str(cpu), *args]


def stop(process: subprocess.Popen[bytes], *, grace: float = 15) -> None:
    """SIGINT first (uvicorn and the outbox worker finish cleanly on it), then SIGKILL."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def tail(path: Path, lines: int = 15) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


@contextlib.contextmanager
def server(args: list[str], env: dict[str, str], log: Path) -> Iterator[tuple[str, int]]:
    """``args`` (given ``--port``) on CPU 0, logging to ``log``; yields base URL and pid."""
    port = free_port()
    with log.open("ab") as output:
        process = subprocess.Popen(
            pinned(SERVER_CPU, [*args, "--port", str(port)]),
            env={**os.environ, **env},
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, process, log)
        yield base, process.pid
    finally:
        stop(process)


def wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Any HTTP answer means the server listens."""
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"server exited ({process.returncode}):\n{tail(log)}")
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(base + "/", timeout=2)
            return
        time.sleep(0.2)
    raise BenchError(f"server not answering after {READY_SECONDS} s:\n{tail(log)}")


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB (MiB), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise BenchError(f"no VmRSS for process {pid}")


def worker_pids(pid: int) -> list[int]:
    """The serving processes: ``pid`` itself, or its children when it is a supervisor."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(c) for c in (task / "children").read_text().split()]
    return children or [pid]
