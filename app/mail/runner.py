"""Running the outbox worker: in the API process (lifespan) or alone (`ixon-api outbox`)."""

from __future__ import annotations

import asyncio
import contextlib
import signal

from app.config import Settings
from app.db.session import create_engine, create_sessionmaker
from app.mail.registry import sender_from_settings
from app.mail.worker import OutboxWorker


class BackgroundWorker:
    """The worker as a task of the API process, stopped cleanly at shutdown."""

    def __init__(self, worker: OutboxWorker) -> None:
        self.worker = worker
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(worker.run_forever(self._stop), name="outbox-worker")

    async def stop(self, grace: float = 10) -> None:
        """Lets a send in progress finish for ``grace`` seconds; its lease covers a cut-off."""
        self._stop.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), grace)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


async def run_alone(settings: Settings, *, once: bool = False) -> OutboxWorker:
    """Runs only the worker until SIGINT/SIGTERM, or (``once``) until nothing is due."""
    engine = create_engine(settings)
    worker = OutboxWorker(create_sessionmaker(engine), sender_from_settings(settings), settings)
    try:
        if once:
            await worker.drain()
            return worker
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            # Not available off the main thread or on Windows: Ctrl-C then cancels the run.
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, stop.set)
        await worker.run_forever(stop)
        return worker
    finally:
        await engine.dispose()
