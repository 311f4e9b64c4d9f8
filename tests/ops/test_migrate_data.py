"""The revision that makes names and role-less memberships unique, on a database that already
holds duplicates (written before the indexes, e.g. by a race): names stop `ixon-api migrate`
with the list of them and change nothing; role-less duplicates are merged."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import Settings
from app.core.clock import utcnow
from app.db import migrate
from app.db.session import create_engine
from tests.ops.conftest import Cli

UNIQUE_NAMES = "5c1f0e7a9b42"  # the revision adding the unique indexes
BEFORE = str(
    ScriptDirectory.from_config(migrate.alembic_config()).get_revision(UNIQUE_NAMES).down_revision
)


@pytest.fixture
async def old_schema(ixon: Cli) -> AsyncIterator[AsyncEngine]:
    """The scratch database at the revision before the unique indexes, with one company."""
    await asyncio.to_thread(command.upgrade, migrate.alembic_config(ixon.database_url), BEFORE)
    engine = create_engine(Settings(database_url=ixon.database_url))
    await _run(
        engine,
        "INSERT INTO companies (id, public_id, name, default_user_invite_language, "
        "custom_terms_of_use, custom_privacy_statement, custom, created_on) "
        "VALUES (1, '1111-2222-3333-4444-5555', 'Acme', 'en', 'disabled', 'disabled', '{}', :now)",
        "INSERT INTO groups (id, public_id, company_id, name, is_company_group, custom, created_on)"
        " VALUES (1, 'group0000001', 1, 'Acme', true, '{}', :now)",
    )
    yield engine
    await engine.dispose()


async def _run(engine: AsyncEngine, *statements: str, **values: object) -> None:
    async with engine.begin() as connection:
        for statement in statements:
            wanted = {k: v for k, v in ({"now": utcnow()} | values).items() if f":{k}" in statement}
            await connection.execute(text(statement), wanted)


async def _scalars(engine: AsyncEngine, statement: str) -> list[object]:
    async with engine.connect() as connection:
        return list((await connection.execute(text(statement))).scalars())


async def _roles(engine: AsyncEngine, *names: str) -> None:
    async with engine.begin() as connection:
        for number, name in enumerate(names, 1):
            await connection.execute(
                text(
                    "INSERT INTO roles (id, public_id, company_id, name, enforce2fa, enforce_sso,"
                    " custom, created_on) VALUES (:id, :public_id, 1, :name, false, false, '{}',"
                    " :now)"
                ),
                {"id": number, "public_id": f"role{number:08}", "name": name, "now": utcnow()},
            )


async def test_duplicate_names_stop_the_upgrade_and_say_which(
    ixon: Cli, old_schema: AsyncEngine
) -> None:
    await _roles(old_schema, "Editor", "editor", "Viewer")
    await _run(
        old_schema,
        'INSERT INTO group_types (id, public_id, company_id, name, "order", custom, created_on) '
        "VALUES (1, 'type00000001', 1, 'Hall', 0, '{}', :now), "
        "(2, 'type00000002', 1, 'HALL', 0, '{}', :now)",
    )
    code, out, err = await asyncio.to_thread(ixon, "migrate")  # the CLI runs its own loop
    assert code == 1, out
    assert "error: Role and group-type names must now be unique" in err
    assert "Traceback" not in err + out
    for expected in (
        "company 1111-2222-3333-4444-5555: role 'Editor'",
        "company 1111-2222-3333-4444-5555: role 'editor'",
        "company 1111-2222-3333-4444-5555: group type 'HALL'",
        "company 1111-2222-3333-4444-5555: group type 'Hall'",
        "Nothing has been changed",
    ):
        assert expected in err
    assert "Viewer" not in err
    assert await migrate.current_revision(old_schema) == BEFORE
    assert sorted(map(str, await _scalars(old_schema, "SELECT name FROM roles"))) == [
        "Editor",
        "Viewer",
        "editor",
    ]
    # Renamed, the upgrade goes through.
    await _run(
        old_schema,
        "UPDATE roles SET name = 'Editor (old)' WHERE id = 2",
        "DELETE FROM group_types WHERE id = 2",
    )
    await asyncio.to_thread(ixon.ok, "migrate")
    assert await migrate.current_revision(old_schema) == migrate.head_revision()


async def test_duplicate_roleless_memberships_are_merged_keeping_the_longest(
    ixon: Cli, old_schema: AsyncEngine
) -> None:
    later, sooner = utcnow() + timedelta(days=30), utcnow() + timedelta(days=1)
    await _run(
        old_schema,
        "INSERT INTO users (id, public_id, type, name, language, custom, support, registered_on)"
        " VALUES (1, 'user00000001', 'person', 'A', 'en', '{}', false, :now), "
        "(2, 'user00000002', 'person', 'B', 'en', '{}', false, :now)",
        "INSERT INTO memberships (id, public_id, company_id, user_id, group_id, expires_on, "
        "created_on) VALUES "
        "(1, 'member000001', 1, 1, 1, :sooner, :now), (2, 'member000002', 1, 1, 1, NULL, :now), "
        "(3, 'member000003', 1, 1, 1, NULL, :now), (4, 'member000004', 1, 2, 1, :sooner, :now), "
        "(5, 'member000005', 1, 2, 1, :later, :now)",
        sooner=sooner,
        later=later,
    )
    await asyncio.to_thread(ixon.ok, "migrate")
    kept = await _scalars(old_schema, "SELECT public_id FROM memberships ORDER BY id")
    # Person A: no expiry beats one, and of two without, the older row stays; B: the later.
    assert kept == ["member000002", "member000005"]
