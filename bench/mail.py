"""A 10,000-address bulk invite timed end to end, then the outbox delivering it over SMTP.

The invites go through `POST /invites` in requests of at most IXON's bulk cap; the mails they
queue are sent by an `ixon-api outbox` worker (CPU 0) to an aiosmtpd sink on 127.0.0.1 (this
process, CPU 1) that only counts them.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller

from bench import report
from bench.common import (
    IXON_API,
    SERVER_CPU,
    BenchError,
    free_port,
    in_database,
    pinned,
    progress,
    stop,
    tail,
)
from bench.report import Row
from bench.world import World

BULK_CAP = 4000
BRANDING = "bench.example.com"
INVITE_GOAL_SECONDS = 2
OUTBOX_GOAL_PER_SECOND = 170
FIRST_MAIL_SECONDS = 60
# Today's service takes minutes for 10,000 invites; the run's 10 minutes must still hold.
INVITE_BUDGET_SECONDS = 45
PROBE = 200
COMMITTED = """
SELECT (SELECT count(*) FROM invites) AS invites,
       (SELECT count(*) FROM memberships WHERE invite_id IS NOT NULL) AS memberships,
       (SELECT count(*) FROM outbox_messages WHERE status = 'queued') AS mails
"""


def invite_bodies(world: World, count: int, prefix: str) -> list[bytes]:
    grant = [{"group": {"publicId": world.company_group}, "role": {"publicId": world.member_role}}]
    items = [
        {"emailAddress": f"{prefix}-{i}@example.com", "groupRoles": grant} for i in range(count)
    ]
    return [json.dumps(items[i : i + BULK_CAP]).encode() for i in range(0, count, BULK_CAP)]


def post_invites(world: World, bodies: list[bytes]) -> float:
    """Seconds from the first request sent to the last answer read."""
    headers = world.headers() | {"Api-Branding": BRANDING, "Content-Type": "application/json"}
    with httpx.Client(base_url=world.base, headers=headers, timeout=600) as client:
        started = time.perf_counter()
        for body in bodies:
            answer = client.post("/invites", content=body)
            if answer.status_code != 201:
                raise BenchError(f"POST /invites: {answer.status_code} {answer.text[:300]}")
        return time.perf_counter() - started


def committed(dsn: str) -> dict[str, int]:
    return dict(in_database(dsn, lambda c: c.fetchrow(COMMITTED)))


def invite_row(dsn: str, world: World, count: int) -> Row:
    """A small invite first: when it shows the whole one would not fit the run's budget, the
    figure is projected from it (and fails its goal, which is far below the budget)."""
    goal = INVITE_GOAL_SECONDS * count / 10_000
    figure = f"bulk invite, {count:,} addresses in {-(-count // BULK_CAP)} requests, committed"
    note = ""
    progress(f"POST /invites, {PROBE} addresses first")
    projected = post_invites(world, invite_bodies(world, PROBE, "bench-probe")) * count / PROBE
    if projected > INVITE_BUDGET_SECONDS:
        made, seconds, note = PROBE, projected, f" (projected from {PROBE}: over budget)"
    else:
        made = PROBE + count
        progress(f"POST /invites, {count:,} addresses")
        seconds = post_invites(world, invite_bodies(world, count, "bench-invite"))
    counts = committed(dsn)
    if min(counts.values()) < made:
        return report.failed(figure, f"found only {counts}")
    return report.scalar(figure, seconds, "s", below=goal, note=note)


class Sink:
    """aiosmtpd handler: accepts every message and counts it."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.count += 1
        return "250 OK"


def wait_for(sink: Sink, target: int, deadline: float, worker: subprocess.Popen[bytes]) -> None:
    while sink.count < target and time.monotonic() < deadline and worker.poll() is None:
        time.sleep(0.02)


def outbox_rate(env: dict[str, str], seconds: int, queued: int, log: Path) -> float:
    """Mails a second, counted at the sink from the first mail on (start-up left out)."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    smtp = {"IXON_MAIL_BACKEND": "smtp", "IXON_SMTP_HOST": "127.0.0.1"}
    smtp["IXON_SMTP_PORT"] = str(controller.port)
    try:
        with log.open("ab") as output:
            worker = subprocess.Popen(
                pinned(SERVER_CPU, [IXON_API, "outbox"]),
                env={**os.environ, **env, **smtp},
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for(sink, 1, time.monotonic() + FIRST_MAIL_SECONDS, worker)
            if sink.count == 0:
                raise BenchError(f"the outbox worker delivered nothing:\n{tail(log)}")
            started, before = time.monotonic(), sink.count
            wait_for(sink, queued, started + seconds, worker)
            return (sink.count - before) / (time.monotonic() - started)
        finally:
            stop(worker)
    finally:
        controller.stop()


def outbox_row(dsn: str, env: dict[str, str], seconds: int, log: Path) -> Row:
    queued = committed(dsn)["mails"]
    if not queued:
        raise BenchError("no mail is queued: the bulk invite failed")
    progress(f"ixon-api outbox to an aiosmtpd sink, {queued:,} mails queued")
    rate = outbox_rate(env, seconds, queued, log)
    figure = f"outbox to a local SMTP sink ({queued:,} mails queued)"
    return report.scalar(figure, rate, "mails/s", above=OUTBOX_GOAL_PER_SECOND)
