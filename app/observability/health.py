"""`GET /healthz` (the process answers) and `GET /readyz` (it can serve: database reachable,
schema at the newest migration, rate-limit storage reachable). Outside IXON's headers and
outside the OpenAPI document, so discovery and the SDK never see them."""

from __future__ import annotations

import asyncio
from functools import lru_cache

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.db import migrate

router = APIRouter(include_in_schema=False)


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    return migrate.head_revision()


@router.get("/healthz")
async def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def _database(request: Request) -> str | None:
    """None when ready, else why not."""
    current = await migrate.current_revision(request.app.state.engine)
    head = head_revision()
    if current != head:
        return f"schema at revision {current or 'none'}, newest is {head}: run `ixon-api migrate`"
    return None


async def _rate_limit_storage(request: Request) -> str | None:
    limiter = getattr(request.app.state, "login_limiter", None)
    if limiter is None or await limiter.storage.check():
        return None
    return "rate-limit storage does not answer"


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    checks: dict[str, str] = {}
    timeout = request.app.state.settings.health_timeout
    for name, check in (("database", _database), ("rateLimitStorage", _rate_limit_storage)):
        try:
            async with asyncio.timeout(timeout):
                problem = await check(request)
        except TimeoutError:
            problem = f"no answer within {timeout:g} s"
        except Exception as exc:
            problem = f"unreachable ({type(exc).__name__})"
        checks[name] = problem or "ok"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status_code=200 if ready else 503,
        headers={"Cache-Control": "no-store"},
    )
