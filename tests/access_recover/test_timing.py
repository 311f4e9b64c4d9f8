"""`POST /access-recover` cannot tell known from unknown addresses by its time: up to the
answer both run the very same SQL; the account is looked up only after the answer has gone.

This is the structural half of the proof; bench/recover_timing.py measures the times against a
live server (a timed assertion here would fail on a busy machine).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.types import Message, Receive, Scope, Send

from tests.helpers import World
from tests.registrations.support import BRANDING, mails


@dataclass
class Recorded:
    before: list[str] = field(default_factory=list)  # until the answer's last byte was sent
    after: list[str] = field(default_factory=list)
    answered: bool = False


class AnswerBoundary:
    """Marks the moment the answer has been sent completely."""

    def __init__(self, app: FastAPI, recorded: Recorded) -> None:
        self.app, self.recorded = app, recorded

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def marking(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.recorded.answered = True

        await self.app(scope, receive, marking)


@contextmanager
def statements(engine: AsyncEngine, recorded: Recorded) -> Iterator[None]:
    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        # The test's savepoints are numbered; what a request runs is the rest of the text.
        text = re.sub(r"sa_savepoint_\d+", "sa_savepoint", " ".join(statement.split()))
        (recorded.after if recorded.answered else recorded.before).append(text)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def ask(app: FastAPI, engine: AsyncEngine, world: World, address: str) -> Recorded:
    recorded = Recorded()
    transport = httpx.ASGITransport(app=AnswerBoundary(app, recorded), client=("192.0.2.8", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        with statements(engine, recorded):
            response = await client.post(
                "/access-recover",
                json={"emailAddress": address},
                headers={
                    "Api-Version": "2",
                    "Api-Application": world.application_id,
                    "Api-Branding": BRANDING,
                },
            )
    assert response.status_code == 201, response.text
    return recorded


async def test_known_and_unknown_addresses_run_the_same_sql_until_answered(
    app: FastAPI, engine: AsyncEngine, world: World, session: AsyncSession
) -> None:
    person = await world.person("Forgetful")
    known = await ask(app, engine, world, person.email)
    unknown = await ask(app, engine, world, "nobody.here@example.com")
    assert known.before == unknown.before
    assert not any("users" in s or "outbox" in s for s in known.before)
    # After the answer, the known address is looked up and gets its e-mail.
    assert any(s.startswith("INSERT INTO outbox_messages") for s in known.after)
    assert not any(s.startswith("INSERT") for s in unknown.after)
    (mail,) = await mails(session)
    assert (mail.kind, mail.recipient) == ("password_reset", person.email)
