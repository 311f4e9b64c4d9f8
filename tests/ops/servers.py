"""Real `ixon-api serve` processes for the tests that need them (workers, several servers)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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
    process: subprocess.Popen[bytes] = field(repr=False)
    output: str = ""  # what the server printed, once it has stopped
    _lines: list[bytes] = field(default_factory=list, repr=False)
    _reader: threading.Thread | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # Read what the server prints as it goes: a full pipe would block the server at its
        # next log line (a burst of errors is enough), which looks like a hang.
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.append(line)

    def _reader_alive(self) -> bool:
        return self._reader is not None and self._reader.is_alive()

    def answers(self) -> bool:
        if self.process.poll() is not None:
            self.stop()
            raise AssertionError(f"ixon-api serve exited:\n{self.output}")
        try:
            return httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._reader is not None:
            self._reader.join(10)
        if self.process.stdout is not None and not self._reader_alive():
            self.process.stdout.close()
        self.output = b"".join(self._lines).decode(errors="replace")


def start(database_url: str, *, workers: int, env: dict[str, str] | None) -> Server:
    port = free_port()
    environment = os.environ | {
        "IXON_DATABASE_URL": database_url,
        "IXON_MAIL_BACKEND": "memory",
        "IXON_OUTBOX_WORKER": "false",
        "IXON_LOG_FORMAT": "json",
        "IXON_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    environment |= env or {}
    command = [IXON_API, "serve", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    return Server(f"http://127.0.0.1:{port}", process)


@contextmanager
def serving(
    database_url: str,
    *,
    count: int = 1,
    workers: int = 1,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> Iterator[list[Server]]:
    """Starts ``count`` `ixon-api serve` processes at once on free ports; yields when every
    one answers /healthz (once each), stops them after."""
    servers = [start(database_url, workers=workers, env=env) for _ in range(count)]
    try:
        deadline = time.monotonic() + timeout
        waiting = list(servers)
        while waiting:
            waiting = [s for s in waiting if not s.answers()]
            if waiting and time.monotonic() > deadline:
                raise AssertionError("ixon-api serve did not answer /healthz in time")
            time.sleep(0.2)
        yield servers
    finally:
        for server in servers:
            server.stop()
