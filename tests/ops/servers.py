"""Real `ixon-api serve` processes for the tests that need them (workers, several servers)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

IXON_API = str(Path(sys.executable).parent / "ixon-api")
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    base: str
    output: str = ""  # what the server printed, once it has stopped


@contextmanager
def serving(
    database_url: str, *, workers: int = 1, env: dict[str, str] | None = None, timeout: float = 60
) -> Iterator[Server]:
    """Starts `ixon-api serve` on a free port; yields once /healthz answers, stops it after."""
    port = free_port()
    environment = os.environ | {
        "IXON_DATABASE_URL": database_url,
        "IXON_MAIL_BACKEND": "memory",
        "IXON_OUTBOX_WORKER": "false",
        "IXON_LOG_FORMAT": "json",
    }
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    environment |= env or {}
    command = [IXON_API, "serve", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    server = Server(f"http://127.0.0.1:{port}")
    base = server.base
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                raise AssertionError(f"ixon-api serve exited:\n{output}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("ixon-api serve did not answer /healthz in time")
            time.sleep(0.1)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            server.output = process.stdout.read().decode()
            process.stdout.close()
