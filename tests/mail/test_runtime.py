"""Where the worker runs: in the API process (lifespan) or alone (`ixon-api outbox`)."""

from __future__ import annotations

import asyncio
import email
import email.policy
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from app.cli import cli
from app.config import Settings, get_settings
from app.mail.backends.memory import MemorySender
from app.mail.runner import BackgroundWorker
from app.mail.worker import OutboxWorker
from app.main import create_app
from tests.mail.helpers import HangingSender, enqueue_committed, rows

Maker = async_sessionmaker[AsyncSession]


async def test_the_api_process_sends_after_commit(committed: Maker, database_url: str) -> None:
    settings = Settings(
        database_url=database_url,
        mail_backend="memory",
        outbox_worker=True,
        outbox_poll_interval=60,
    )
    app = create_app(settings)
    async with asyncio.timeout(20), app.router.lifespan_context(app):
        sender = app.state.mail_sender
        assert isinstance(sender, MemorySender)
        await enqueue_committed(committed, 1)
        while not sender.outbox:  # noqa: ASYNC110 - the commit wakes the worker
            await asyncio.sleep(0.01)
    assert [r.status for r in await rows(committed)] == ["sent"]


async def test_no_worker_when_disabled_and_a_given_sender_is_kept(
    committed: Maker, database_url: str
) -> None:
    app = create_app(Settings(database_url=database_url, outbox_worker=False))
    mine = MemorySender()
    app.state.mail_sender = mine
    async with asyncio.timeout(20), app.router.lifespan_context(app):
        assert app.state.mail_sender is mine
        assert getattr(app.state, "outbox_worker", None) is None
        await enqueue_committed(committed, 1)
        await asyncio.sleep(0.1)
    assert mine.outbox == []
    assert [r.status for r in await rows(committed)] == ["queued"]


async def test_cli_outbox_once_drains_and_exits(
    committed: Maker, database_url: str, tmp_path: Path
) -> None:
    await enqueue_committed(committed, 2)
    env = {
        "IXON_DATABASE_URL": database_url,
        "IXON_MAIL_BACKEND": "file",
        "IXON_MAIL_DIR": str(tmp_path / "out"),
    }
    get_settings.cache_clear()
    try:
        result = await asyncio.wait_for(
            asyncio.to_thread(CliRunner().invoke, cli, ["outbox", "--once"], env=env), 60
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "outbox: 2 sent, 0 failed" in result.output
    files = sorted((tmp_path / "out").glob("*.eml"))
    assert len(files) == 2
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert parsed["To"].endswith("@example.com")
    assert {r.status for r in await rows(committed)} == {"sent"}


async def test_shutdown_does_not_wait_forever_for_a_hanging_send(
    committed: Maker, mail_settings: Settings
) -> None:
    await enqueue_committed(committed, 1)
    hanging = HangingSender()
    background = BackgroundWorker(OutboxWorker(committed, hanging, mail_settings))
    async with asyncio.timeout(10):
        await hanging.started.wait()
        await background.stop(grace=0.05)
    [row] = await rows(committed)
    assert row.claim_token is not None  # left to its lease, sent again by the next worker
