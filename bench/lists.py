"""Lists flat: GET /users p99 as the company grows to a million users, and a deep page.

Users are seeded in PostgreSQL (bench/seed.py); the list is read through the API with wrk.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import httpx

from bench import report, seed
from bench.common import BenchError, in_database, progress
from bench.reads import USERS, Shape, expect_page, measure
from bench.report import Row
from bench.world import PAGE, World
from bench.wrk import Load, Outcome

FLAT = (0.8, 1.2)  # p99 within ±20% of the smallest company's
# The list's order as the service keeps it (keyset paging on the internal id): the bench finds
# the cursor of a deep page here, and checks that the API agrees before loading it.
NTH_MEMBER = (
    "SELECT u.public_id FROM users u WHERE u.id IN (SELECT m.user_id FROM memberships m "
    "JOIN companies c ON c.id = m.company_id WHERE c.public_id = $1) "
    "ORDER BY u.id OFFSET $2 LIMIT 2"
)


def seed_users(dsn: str, world: World, have: int, want: int) -> None:
    started = time.monotonic()
    in_database(
        dsn,
        lambda c: seed.grow_users(
            c, template_user=world.admin, role=world.member_role, have=have, want=want
        ),
    )
    progress(
        f"seeded {want - have:,} users ({want:,} in all) in {time.monotonic() - started:.0f} s"
    )


def deep_page_load(dsn: str, world: World, page: int) -> Load:
    """GET /users for page ``page`` (1-based), through page-after."""
    offset = (page - 1) * PAGE - 1
    found = in_database(dsn, lambda c: c.fetch(NTH_MEMBER, world.company, offset))
    cursor, first = (row["public_id"] for row in found)
    load = Load(f"{world.base}{USERS}&page-after={cursor}", world.headers())
    shown = httpx.get(load.url, headers=load.headers, timeout=60).json().get("data") or [{}]
    if shown[0].get("publicId") != first:
        raise BenchError(f"page-after={cursor} did not continue the list after that user")
    expect_page(load)
    return load


@dataclass(frozen=True)
class Lists:
    by_size: dict[int, Outcome]
    page: int
    deep: Outcome


def lists(shape: Shape, dsn: str, world: World, sizes: list[int], first: Outcome) -> Lists:
    """``first``: GET /users measured already at ``sizes[0]`` users."""
    by_size = {sizes[0]: first}
    for have, want in itertools.pairwise(sizes):
        seed_users(dsn, world, have, want)
        by_size[want] = measure(shape, Load(world.base + USERS, world.headers()))
    page = min(10_000, sizes[-1] // PAGE - 1)
    deep = measure(shape, deep_page_load(dsn, world, page))
    return Lists(by_size, page, deep)


def rows(found: Lists) -> list[Row]:
    sizes = list(found.by_size)
    smallest, largest = found.by_size[sizes[0]], found.by_size[sizes[-1]]
    made = [
        report.p99_within(
            f"GET /users p99, {size:,} users vs {sizes[0]:,}",
            found.by_size[size],
            smallest,
            *FLAT,
        )
        for size in sizes[1:]
    ]
    made.append(
        report.p99_within(
            f"GET /users page {found.page:,} vs page 1 p99 ({sizes[-1]:,} users)",
            found.deep,
            largest,
            *FLAT,
        )
    )
    return made
