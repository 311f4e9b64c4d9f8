"""Bulk writes at the bulk cap: how long does one `PATCH` or `DELETE` with 4,000 items take?

Fills a scratch PostgreSQL database (bench/bulk_fill.py), starts `ixon-api serve` on it, and
times one request per bulk path with every item of that kind: first the PATCHes (a new
description, order, custom or expiry for each), then the DELETEs. Every answer must be a
success and every row changed or gone; prints one line per request.

    python -m bench.bulk_writes [--items 4000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bench.bulk_fill import PATCHES, PATHS, BulkRequest, fill

POSTGRES_ADMIN_URL = os.environ.get(
    "IXON_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
IXON_API = str(Path(sys.executable).parent / "ixon-api")
ROOT = Path(__file__).resolve().parents[1]


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [IXON_API, *args], env={**os.environ, **env}, capture_output=True, text=True, check=True
    )
    return done.stdout


@contextlib.asynccontextmanager
async def _scratch_database() -> AsyncIterator[str]:
    """A new PostgreSQL database, migrated by `ixon-api migrate`, dropped afterwards."""
    name = f"ixon_bulk_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(_cli, {"IXON_DATABASE_URL": url}, "migrate")
        yield url
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@contextlib.contextmanager
def _server(env: dict[str, str]) -> Iterator[str]:
    """`ixon-api serve` on a free port until the block ends; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    process = subprocess.Popen(
        [IXON_API, "serve", "--port", str(port)],
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(f"{base}/healthz", timeout=2).raise_for_status()
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("ixon-api serve did not come up")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


async def _time(
    client: httpx.AsyncClient, base: str, path: BulkRequest, headers: dict[str, str], ids: list[str]
) -> float:
    sent = (
        headers if path.company_header else {k: v for k, v in headers.items() if k != "Api-Company"}
    )
    body = [{"publicId": i, **path.change} for i in ids]
    started = time.perf_counter()
    response = await client.request(path.method, base + path.url, headers=sent, json=body)
    elapsed = time.perf_counter() - started
    assert response.is_success, (path.name, response.status_code, response.text[:500])
    return elapsed


async def _run(engine: AsyncEngine, base: str, ids: dict[str, str]) -> list[str]:
    headers = {
        "Api-Version": "2",
        "Api-Application": ids["applicationId"],
        "Api-Company": ids["companyId"],
        "Authorization": f"Bearer {ids['accessToken']}",
    }
    lines = []
    async with httpx.AsyncClient(timeout=600) as client:
        for path in PATCHES + PATHS:
            async with engine.connect() as connection:
                sent = list((await connection.execute(text(path.ids))).scalars())
            seconds = await _time(client, base, path, headers, sent)
            async with engine.connect() as connection:
                left = (await connection.execute(text(path.left))).scalar_one()
            assert left == 0, (path.name, left)
            lines.append(f"{path.method + ' ' + path.name:<22}{len(sent):>8}{seconds:>10.2f}")
    return lines


async def main(items: int) -> None:
    async with _scratch_database() as url:
        env = {
            "IXON_DATABASE_URL": url,
            "IXON_MAIL_BACKEND": "memory",
            "IXON_OUTBOX_WORKER": "false",
        }
        made = await asyncio.to_thread(
            _cli, env, "bootstrap", "--company", "Bench company", "--email", "bulk@example.com",
            "--password", "bulk bench passphrase", "--json",
        )  # fmt: skip
        ids = dict(json.loads(made))
        engine = create_async_engine(url)
        try:
            async with engine.begin() as connection:
                await fill(connection, items, ids)
            with _server(env) as base:
                lines = await _run(engine, base, ids)
        finally:
            await engine.dispose()
    print(f"One request with {items:,} items (PostgreSQL, live server)")
    print(f"{'':<22}{'items':>8}{'seconds':>10}")
    print("\n".join(lines))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=4000)
    asyncio.run(main(parser.parse_args().items))
