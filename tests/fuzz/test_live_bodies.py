"""Against the live server: a 10 MB body is refused at once with a small 413, and `/healthz`
answers while a client is still sending one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.fuzz.conftest import Live

pytestmark = pytest.mark.e2e
MIB = 1024 * 1024


def _headers(live: Live) -> dict[str, str]:
    return {
        "Api-Version": "2",
        "Api-Application": live.application_id,
        "Api-Company": live.company_id,
        "Authorization": f"Bearer {live.token}",
        "Content-Type": "application/json",
    }


@pytest.mark.parametrize("size", [2 * MIB, 10 * MIB])
async def test_a_large_body_is_refused_at_once(live: Live, size: int) -> None:
    body = b'{"name": "' + b"a" * size + b'"}'
    async with httpx.AsyncClient(base_url=live.base, timeout=30) as client:
        started = time.monotonic()
        response = await client.patch("/companies/me", content=body, headers=_headers(live))
        took = time.monotonic() - started
    assert response.status_code == 413
    assert len(response.content) < 500
    assert took < 5, took


async def test_healthz_answers_while_a_body_streams_in(live: Live) -> None:
    streaming = asyncio.Event()

    async def slowly() -> AsyncIterator[bytes]:
        yield b'[{"name": "'
        streaming.set()
        for _ in range(40):  # 40 chunks of 64 KiB over 4 s, chunked: no Content-Length to refuse
            await asyncio.sleep(0.1)
            yield b"a" * 65536
        yield b'"}]'

    async with httpx.AsyncClient(base_url=live.base, timeout=30) as client:
        upload = asyncio.create_task(
            client.post("/roles", content=slowly(), headers=_headers(live))
        )
        await streaming.wait()
        started = time.monotonic()
        health = await client.get("/healthz")
        took = time.monotonic() - started
        answer = await upload
    assert health.status_code == 200
    assert took < 2, took
    assert answer.status_code == 400  # 2.5 MB: under the bulk limit, read, and refused
