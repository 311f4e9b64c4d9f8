"""Authenticated reads and log-ins against the baselines of bench/bare_app.py, all with wrk."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from bench import report, wrk
from bench.common import BenchError, progress
from bench.report import Row
from bench.world import PAGE, World
from bench.wrk import Load, Outcome

ROLES = "/roles?fields=publicId,name"
USERS = "/users?fields=publicId,name,emailAddress,memberships(publicId,group,role,expiresOn)"
GROUPS = "/groups?fields=publicId,name"
LOGIN_BODY = json.dumps({"expiresIn": 3600})
# Log-ins and argon2 verifies (tens a second) at 64 connections would queue for longer than
# wrk's timeout; 8 keep every hashing thread busy, alone and beside the GET /roles load.
LOGIN_CONNECTIONS = 8
WARM_UP_SECONDS = 1
P99_LIMIT_MS = 25


@dataclass(frozen=True)
class Shape:
    seconds: int
    connections: int


def measure(shape: Shape, load: Load, *, connections: int | None = None) -> Outcome:
    """A short warm-up (first statements, pools), then the measured run."""
    progress(f"wrk {load.method} {urlsplit(load.url).path}, {shape.seconds} s")
    wrk.run(load, WARM_UP_SECONDS, connections or shape.connections)
    settle(load)
    outcome = wrk.run(load, shape.seconds, connections or shape.connections)
    settle(load)
    return outcome


def settle(load: Load) -> None:
    """Wait out the requests wrk left queued in the server when it stopped: one more request
    answers only after them, so the next run starts on an idle server."""
    httpx.request(load.method, load.url, headers=load.headers, content=load.body, timeout=300)


def expect_page(load: Load, size: int = PAGE) -> None:
    """Before loading a URL: it answers a full page, so the figure is of real work."""
    answer = httpx.request(
        load.method, load.url, headers=load.headers, content=load.body, timeout=60
    )
    if answer.status_code >= 400:
        raise BenchError(f"{load.url}: {answer.status_code} {answer.text[:300]}")
    data = answer.json().get("data")
    if isinstance(data, list) and len(data) != size:
        raise BenchError(f"{load.url}: {len(data)} rows, expected {size}")


@dataclass(frozen=True)
class Baselines:
    bare: Outcome
    raw_query: Outcome
    argon2: Outcome


def baselines(shape: Shape, bare_base: str, world: World) -> Baselines:
    raw = Load(f"{bare_base}/roles?company={world.company}")
    verify = Load(f"{bare_base}/verify", method="POST")
    for load in (raw, verify):
        expect_page(load)
    return Baselines(
        bare=measure(shape, Load(f"{bare_base}/bare")),
        raw_query=measure(shape, raw),
        argon2=measure(shape, verify, connections=LOGIN_CONNECTIONS),
    )


def company_reads(shape: Shape, world: World) -> dict[str, Outcome]:
    """GET /roles, /users (with memberships) and /groups: a page of 20 each."""
    found: dict[str, Outcome] = {}
    for name, path in (("GET /roles", ROLES), ("GET /users", USERS), ("GET /groups", GROUPS)):
        load = Load(world.base + path, world.headers())
        expect_page(load)
        found[name] = measure(shape, load)
    return found


@dataclass(frozen=True)
class Logins:
    logins: Outcome
    roles_meanwhile: Outcome


def logins(shape: Shape, world: World) -> Logins:
    """Log-ins alone, then GET /roles while a log-in load runs beside it."""
    login = Load(world.base + "/access-tokens", world.login_headers(), "POST", LOGIN_BODY)
    expect_page(login)
    alone = measure(shape, login, connections=LOGIN_CONNECTIONS)
    progress(f"wrk GET /roles beside {LOGIN_CONNECTIONS} connections logging in")
    background = wrk.start(login, shape.seconds + 2 * WARM_UP_SECONDS, LOGIN_CONNECTIONS)
    time.sleep(WARM_UP_SECONDS)
    roles = Load(world.base + ROLES, world.headers())
    meanwhile = wrk.run(roles, shape.seconds, shape.connections)
    wrk.finish(background)
    settle(login)
    settle(roles)
    return Logins(alone, meanwhile)


def read_rows(base: Baselines, reads: dict[str, Outcome]) -> list[Row]:
    found = [
        report.measured("baseline: bare FastAPI, no database", base.bare),
        report.measured("baseline: FastAPI + one raw asyncpg query (20 rows)", base.raw_query),
    ]
    for name, outcome in reads.items():
        found += [
            report.rate_at_least(f"{name} req/s vs raw asyncpg", outcome, base.raw_query, 0.60),
            report.rate_at_least(f"{name} req/s vs bare", outcome, base.bare, 0.25),
            report.p99_below(
                f"{name} p99 (p50 {report.ms(outcome.p50_ms)}) vs raw asyncpg",
                outcome,
                P99_LIMIT_MS,
                base.raw_query,
            ),
        ]
    return found


def login_rows(base: Baselines, login: Logins, roles_alone: Outcome) -> list[Row]:
    return [
        report.measured(
            f"baseline: raw argon2 verify of the same hash ({LOGIN_CONNECTIONS} conns)", base.argon2
        ),
        report.rate_at_least(
            f"log-ins (POST /access-tokens, {LOGIN_CONNECTIONS} conns) vs argon2",
            login.logins,
            base.argon2,
            0.8,
        ),
        report.p99_within(
            f"GET /roles p99 during log-ins ({LOGIN_CONNECTIONS} conns) vs alone",
            login.roles_meanwhile,
            roles_alone,
            0,
            2,
        ),
    ]
