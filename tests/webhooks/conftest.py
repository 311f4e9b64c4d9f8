"""Delivery fixtures: sessions that really commit (workers need several connections), a
company of the test's own (deleted afterwards, its endpoints, events and deliveries with it),
and the receiver."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.companies import service as company_service
from app.companies.models import Company
from app.companies.schemas import CompanyCreate
from app.config import Settings
from app.db.session import create_sessionmaker
from app.mail.models import OutboxMessage
from app.users import service as user_service
from app.users.models import User
from tests.helpers import PASSWORD
from tests.webhooks.receiver import Receiver

_count = itertools.count()


@dataclass
class Tenant:
    company: Company
    admin: User


async def _clear(maker: async_sessionmaker[AsyncSession]) -> None:
    async with maker() as session, session.begin():
        await session.execute(delete(OutboxMessage))


@pytest.fixture
async def committed(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    maker = create_sessionmaker(engine)
    await _clear(maker)
    yield maker
    await _clear(maker)


@pytest.fixture
async def tenant(committed: async_sessionmaker[AsyncSession]) -> AsyncIterator[Tenant]:
    number = next(_count)
    async with committed() as session:
        admin = await user_service.create_person(
            session, email=f"hook.admin.{number}.{id(session)}@example.com", name="Hook Admin",
            password=PASSWORD,
        )  # fmt: skip
        company = await company_service.create(session, admin, CompanyCreate(name="Hooked"))
        await session.commit()
    yield Tenant(company, admin)
    async with committed() as session, session.begin():
        await session.execute(delete(Company).where(Company.id == company.id))
        await session.execute(delete(User).where(User.id == admin.id))


@pytest.fixture
def hook_settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        mail_backend="memory",
        mail_dir=str(tmp_path / "mail"),
        outbox_worker=False,
        outbox_lease_seconds=30,
        outbox_retry_base_seconds=0.05,
        mail_send_timeout=5,
        webhook_timeout=2,
        webhook_allowed_networks="127.0.0.1/32",
        public_url="http://testserver",
    )


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    await receiver.start()
    yield receiver
    await receiver.stop()
