"""Can the time of `POST /access-recover` tell whether an address has an account?

Asks for resets of a known address and of unknown ones in random order against a live server
on PostgreSQL, then plays the attacker of issue 9: every address is tried `--tries` times, the
median of its tries is compared with a threshold, and the best threshold there is (chosen
knowing the answers: the attacker's best case) is reported with the accuracy it reaches. 50 %
is a coin; before the fix this classifier told 47 of 60 addresses apart with 4 tries each.

    python -m bench.recover_timing [--addresses 60] [--tries 4]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from app.db import migrate

BRANDING = "portal.ixon.cloud"
IXON_API = str(Path(sys.executable).parent / "ixon-api")
POSTGRES_ADMIN_URL = os.environ.get(
    "IXON_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


@contextlib.asynccontextmanager
async def scratch_postgres() -> AsyncIterator[str]:
    """A new, migrated PostgreSQL database, dropped afterwards."""
    name = f"ixon_bench_recover_{uuid.uuid4().hex[:8]}"
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


def bootstrap(env: dict[str, str]) -> dict[str, str]:
    made = subprocess.run(
        [IXON_API, "bootstrap", "--json", "--password", "bench passphrase"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(made.stdout))


@contextlib.contextmanager
def server(env: dict[str, str]) -> Iterator[str]:
    """One `ixon-api serve` process on a free port; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    process = subprocess.Popen(
        [IXON_API, "serve", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


async def timed(client: httpx.AsyncClient, address: str) -> float:
    started = time.perf_counter()
    response = await client.post("/access-recover", json={"emailAddress": address})
    elapsed = time.perf_counter() - started
    assert response.status_code == 201, response.text
    return elapsed


def best_threshold(known: list[float], unknown: list[float]) -> tuple[float, float]:
    """The threshold that classifies most medians right ("slower means known", or the
    reverse), and the share it gets right."""
    labelled = [(m, True) for m in known] + [(m, False) for m in unknown]
    best = (0.0, 0.0)
    for threshold, _ in labelled:
        right = sum((m >= threshold) == is_known for m, is_known in labelled)
        share = max(right, len(labelled) - right) / len(labelled)
        best = max(best, (share, threshold))
    return best[1], best[0]


def by_chance(known: list[float], unknown: list[float], rounds: int = 500) -> float:
    """The share the best threshold reaches on the same medians with the labels shuffled
    (95th percentile): what "cannot tell them apart" looks like for this many addresses."""
    values = known + unknown
    shares = []
    for _ in range(rounds):
        random.shuffle(values)
        shares.append(best_threshold(values[: len(known)], values[len(known) :])[1])
    return statistics.quantiles(shares, n=20)[-1]


async def measure(
    base: str, headers: dict[str, str], known: str, addresses: int, tries: int
) -> tuple[list[float], list[float]]:
    unknown = [f"nobody.{uuid.uuid4().hex[:10]}@example.com" for _ in range(addresses)]
    # The one known address stands for `addresses` of them: its tries are grouped the same.
    plan = [(known, n, True) for n in range(addresses) for _ in range(tries)]
    plan += [(address, n, False) for n, address in enumerate(unknown) for _ in range(tries)]
    random.shuffle(plan)
    times: dict[tuple[bool, int], list[float]] = {}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        for address in unknown[:20]:  # warm-up
            await timed(client, address)
        for address, group, is_known in plan:
            times.setdefault((is_known, group), []).append(await timed(client, address))
    medians = {
        is_known: [statistics.median(times[(is_known, n)]) * 1000 for n in range(addresses)]
        for is_known in (True, False)
    }
    return medians[True], medians[False]


async def main(addresses: int, tries: int) -> None:
    async with scratch_postgres() as url:
        env = {
            "IXON_DATABASE_URL": url,
            "IXON_MAIL_BACKEND": "memory",
            "IXON_OUTBOX_WORKER": "false",
            "IXON_RECOVER_LIMIT_PER_ADDRESS": "100000/hour",
            "IXON_RECOVER_LIMIT_PER_CLIENT": "100000/hour",
        }
        ids = await asyncio.to_thread(bootstrap, env)
        headers = {
            "Api-Version": "2",
            "Api-Application": ids["applicationId"],
            "Api-Branding": BRANDING,
        }
        with server(env) as base:
            known, unknown = await measure(base, headers, ids["email"], addresses, tries)
    threshold, share = best_threshold(known, unknown)
    print(f"POST /access-recover, {addresses} addresses of each kind, median of {tries} tries")
    print(f"{'':<18}{'median ms':>11}{'p10 ms':>9}{'p90 ms':>9}")
    for name, values in (("known address", known), ("unknown address", unknown)):
        deciles = statistics.quantiles(values, n=10)
        print(f"{name:<18}{statistics.median(values):>11.2f}{deciles[0]:>9.2f}{deciles[-1]:>9.2f}")
    right = round(share * 2 * addresses)
    chance = by_chance(known, unknown)
    print(
        f"best threshold {threshold:.2f} ms tells {right} of {2 * addresses} apart ({share:.0%});"
        f" shuffled labels reach up to {chance:.0%} (95th percentile): "
        + ("indistinguishable" if share <= chance else "DISTINGUISHABLE")
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--addresses", type=int, default=60)
    parser.add_argument("--tries", type=int, default=4)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.addresses, arguments.tries))
