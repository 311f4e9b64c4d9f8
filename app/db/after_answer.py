"""Work that runs once the answer has been sent, in a unit of work (one commit) of its own.

For work whose duration must not show in the answer's time: `POST /access-recover` looks up
the address only here, so a known and an unknown address are answered alike. The answer has
promised nothing that depends on this work, so a failure is logged, not reported.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import Request, Response
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.background import BackgroundTasks

logger = logging.getLogger(__name__)

R = TypeVar("R", bound=Response)
Work = Callable[[AsyncSession], Awaitable[None]]


async def _run(sessionmaker: async_sessionmaker[AsyncSession], work: Work) -> None:
    try:
        async with sessionmaker() as session, session.begin():
            await work(session)
    except Exception:
        logger.exception("work after the answer failed")


def after_answer(response: R, request: Request, work: Work) -> R:
    """``response``, which runs ``work`` in a new session once it has been sent."""
    tasks = BackgroundTasks()
    if response.background is not None:
        tasks.add_task(response.background)
    tasks.add_task(_run, request.app.state.sessionmaker, work)
    response.background = tasks
    return response
