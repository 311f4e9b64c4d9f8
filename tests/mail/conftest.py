"""Mail fixtures: a real SMTP server on 127.0.0.1, and sessions that really commit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.config import Settings
from app.db.session import create_sessionmaker
from app.mail.models import OutboxMessage
from tests.mail.smtpd import Certificate, SmtpServer, StartSmtp, self_signed_certificate


@pytest.fixture
async def smtp_server() -> AsyncIterator[StartSmtp]:
    """Starts aiosmtpd servers on free 127.0.0.1 ports (``port=`` to reuse one); stops them."""
    servers: list[SmtpServer] = []

    async def start(**options: Any) -> SmtpServer:
        server = SmtpServer(**options)
        servers.append(server)
        return await server.start()

    yield start
    for server in servers:
        await server.stop()


@pytest.fixture(scope="session")
def certificate(tmp_root: Path) -> Certificate:
    return self_signed_certificate(tmp_root / "tls")


async def _clear_outbox(maker: async_sessionmaker[AsyncSession]) -> None:
    async with maker() as session, session.begin():
        await session.execute(delete(OutboxMessage))


@pytest.fixture
async def committed(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Real transactions (workers need several connections); the outbox is emptied around."""
    maker = create_sessionmaker(engine)
    await _clear_outbox(maker)
    yield maker
    await _clear_outbox(maker)


@pytest.fixture
def mail_settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        mail_backend="memory",
        mail_dir=str(tmp_path / "mail"),
        outbox_worker=False,
        outbox_max_attempts=3,
        outbox_lease_seconds=30,
        mail_send_timeout=5,
        smtp_timeout=5,
        public_url="http://testserver",
    )
