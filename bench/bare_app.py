"""The baselines, served by uvicorn like the service: what FastAPI alone costs.

- `GET /bare`: no database at all.
- `GET /roles?company=`: one raw asyncpg query returning the 20 rows `GET /roles` shows.
- `POST /verify`: one argon2 verify of the hash in IXON_BENCH_PASSWORD_HASH, inline on the
  event loop: as many log-ins a second as the core can hash.

    uvicorn bench.bare_app:app  (IXON_DATABASE_URL, IXON_BENCH_PASSWORD_HASH, _PASSWORD)
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from argon2 import PasswordHasher
from fastapi import FastAPI, HTTPException

from bench.common import asyncpg_dsn

QUERY = (
    "SELECT r.public_id, r.name FROM roles r "
    "WHERE r.company_id = (SELECT id FROM companies WHERE public_id = $1) "
    "ORDER BY r.id LIMIT 20"
)
POOL_SIZE = 10  # the service's default database_pool_size
hasher = PasswordHasher()
pool: asyncpg.Pool | None = None


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    global pool
    dsn = asyncpg_dsn(os.environ["IXON_DATABASE_URL"])
    pool = await asyncpg.create_pool(dsn, min_size=POOL_SIZE, max_size=POOL_SIZE)
    yield
    await pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/bare")
async def bare() -> dict[str, Any]:
    return {"type": "Bare", "data": {"publicId": "bare"}, "status": "success"}


@app.get("/roles")
async def roles(company: str) -> dict[str, Any]:
    assert pool is not None
    async with pool.acquire() as connection:
        rows = await connection.fetch(QUERY, company)
    return {
        "type": "Role",
        "data": [{"publicId": p, "name": n} for p, n in rows],
        "moreAfter": None,
        "status": "success",
    }


@app.post("/verify")
async def verify() -> dict[str, Any]:
    stored = os.environ["IXON_BENCH_PASSWORD_HASH"]
    if not hasher.verify(stored, os.environ["IXON_BENCH_PASSWORD"]):
        raise HTTPException(401)
    return {"type": "Verify", "data": None, "status": "success"}
