"""The command line's writes are in the audit log (as the operator, or as the person a
company command acts as), and `ixon-api audit purge` keeps it to the retention period."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select, update

from app.audit.models import AuditEvent
from app.config import Settings
from app.core.clock import utcnow
from app.db.session import create_engine, create_sessionmaker
from tests.ops.conftest import Cli
from tests.ops.test_cli_users import add_person


async def _events(database_url: str, *, age_days: int | None = None) -> list[AuditEvent]:
    engine = create_engine(Settings(database_url=database_url))
    try:
        async with create_sessionmaker(engine)() as session:
            if age_days is not None:
                old = utcnow() - timedelta(days=age_days)
                await session.execute(update(AuditEvent).values(time=old))
                await session.commit()
            return list(await session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    finally:
        await engine.dispose()


def events(ixon: Cli, *, age_days: int | None = None) -> list[AuditEvent]:
    return asyncio.run(_events(ixon.database_url, age_days=age_days))


def test_command_line_writes_are_recorded(ixon: Cli, seeded: dict[str, str]) -> None:
    company = seeded["companyId"]
    made = [e for e in events(ixon) if e.target == "Company" and e.action == "CREATE"]
    assert len(made) == 1 and made[0].company == company
    assert (made[0].actor_type, made[0].actor_kind) == ("support", "Operator")
    assert made[0].application_name == "ixon-api (command line)"
    plain = add_person(ixon, company, "plain@example.com")
    ixon.ok("users", "remove", "plain@example.com", "--company", company)
    removed = [e for e in events(ixon) if e.target == "UserMembership" and e.action == "DELETE"]
    assert len(removed) == 1 and removed[0].topic_user == plain
    assert removed[0].actor_id == seeded["userId"]  # acting as the company's administrator
    assert removed[0].application_name == "ixon-api (command line)"


def test_purge_keeps_the_retention_period(ixon: Cli, seeded: dict[str, str]) -> None:
    count = len(events(ixon))
    assert count > 0
    assert ixon.ok("audit", "purge", "--days", "30").strip() == (
        "removed 0 audit events older than 30 days"
    )
    events(ixon, age_days=400)
    purged = ixon.ok("audit", "purge").strip()  # IXON_AUDIT_RETENTION_DAYS: 365
    assert purged == f"removed {count} audit events older than 365 days"
    assert events(ixon) == []
    assert ixon("audit", "purge", "--days", "0")[0] == 2  # a usage mistake
