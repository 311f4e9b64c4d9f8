"""Every change that could take a company's last administrator away locks the company row
before it writes (PostgreSQL; SQLite runs one writer at a time). tests/races/ shows that this
keeps an administrator under twenty concurrent pairs; here, that each path takes the lock, and
takes it first."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.helpers import Api, World
from tests.memberships.support import join, memberships_of


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


def _lock_comes_first(seen: list[str]) -> bool:
    """A FOR NO KEY UPDATE of companies, before any INSERT, UPDATE or DELETE of the request's."""
    writes = [i for i, s in enumerate(seen) if s.split(" ", 1)[0] in ("INSERT", "UPDATE", "DELETE")]
    locks = [i for i, s in enumerate(seen) if "FROM companies" in s and "FOR NO KEY UPDATE" in s]
    return bool(locks) and (not writes or locks[0] < writes[0])


async def _paths(api: Api, world: World) -> list[tuple[str, str, Any, str | None]]:
    """(method, path, body, token) of one request per way of removing an administrator."""
    second = await world.member(world.a, "Administrator")
    third = await world.member(world.a, "Viewer")
    [membership] = [m["publicId"] for m in await memberships_of(world, second)]
    extra = await join(world, world.a, third, "Editor")
    group, viewer = world.a.group_id, world.a.roles["Viewer"]
    leaver = await world.member(world.a, "Viewer")
    quitter = await world.member(world.a, "Viewer")
    role = (await api.post("/roles", json={"name": "Spare"})).json()["data"][0]["publicId"]
    return [
        ("PATCH", f"/users/memberships/{membership}", {"role": {"publicId": viewer}}, None),
        ("DELETE", f"/users/memberships/{extra}", None, None),
        ("PUT", f"/users/memberships/user/{third.id}", [{"group": {"publicId": group}}], None),
        ("DELETE", f"/users/{second.id}", None, None),
        ("DELETE", "/users/me/leave-companies", [{"publicId": world.a.id}], leaver.token),
        ("DELETE", "/users/me", None, quitter.token),
        ("DELETE", f"/roles/{viewer}/permissions/VIEW_USERS", None, None),
        ("DELETE", f"/roles/{role}", None, None),
    ]


async def test_each_way_of_removing_an_administrator_locks_the_company_first(
    api: Api, world: World, engine: AsyncEngine, backend: str
) -> None:
    for method, path, body, token in await _paths(api, world):
        kwargs: dict[str, Any] = {"json": body}
        if token is not None:
            kwargs["token"] = token
            kwargs["company"] = None
        with statements(engine) as seen:
            response = await api.request(method, path, **kwargs)
        assert response.is_success, (method, path, response.text)
        if backend == "postgres":
            assert _lock_comes_first(seen), (method, path, seen)
        else:  # one writer at a time (BEGIN IMMEDIATE); SQLAlchemy leaves FOR UPDATE out
            assert not any(" FOR " in s for s in seen), (method, path)
