"""`ixon-api users list/remove` and `ixon-api token create`: for scripts, through the services."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from pathlib import Path

import httpx
from sqlalchemy import select

from app.companies.models import Company
from app.config import Settings
from app.db.session import create_engine, create_sessionmaker
from app.groups.repository import GroupRepository
from app.main import create_app
from app.memberships.models import Membership
from app.roles.models import Role
from app.users import service as user_service
from tests.ops.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Cli
from tests.ops.servers import IXON_API

PASSWORD = "another long passphrase"


async def _add_person(database_url: str, company_id: str, email: str, role: str | None) -> str:
    engine = create_engine(Settings(database_url=database_url))
    try:
        async with create_sessionmaker(engine)() as session:
            company = (
                await session.scalars(select(Company).where(Company.public_id == company_id))
            ).one()
            user = await user_service.create_person(
                session, email=email, name=email.partition("@")[0].title(), password=PASSWORD
            )
            group = await GroupRepository(session).company_group(company.id)
            assert group is not None
            role_id = await session.scalar(
                select(Role.id).where(Role.company_id == company.id, Role.name == role)
            )
            session.add(
                Membership(
                    company_id=company.id, user_id=user.id, group_id=group.id, role_id=role_id
                )
            )
            await session.commit()
            return user.public_id
    finally:
        await engine.dispose()


def add_person(ixon: Cli, company_id: str, email: str, role: str | None = None) -> str:
    return asyncio.run(_add_person(ixon.database_url, company_id, email, role))


def test_list_and_remove_users(ixon: Cli, seeded: dict[str, str]) -> None:
    company = seeded["companyId"]
    viewer = add_person(ixon, company, "viewer@example.com", "Viewer")
    add_person(ixon, company, "plain@example.com")

    table = ixon.ok("users", "list", "--company", company)
    assert "viewer@example.com" in table and "plain@example.com" in table
    assert "Administrator" in table and "Viewer" in table
    listed = json.loads(ixon.ok("users", "list", "--company", company, "--json"))
    assert {u["emailAddress"] for u in listed} == {
        ADMIN_EMAIL,
        "viewer@example.com",
        "plain@example.com",
    }
    assert all(u["memberships"] for u in listed)

    # Acting as someone else: their permissions in the company count, as in the API.
    assert "viewer@example.com" in ixon.ok(
        "users", "list", "--company", company, "--as", "viewer@example.com"
    )
    error = ixon.fails(
        "users", "remove", "plain@example.com", "--company", company, "--as", "viewer@example.com"
    )
    assert "MANAGE_USERS" in error
    assert "requires the VIEW_USERS" in ixon.fails(
        "users", "list", "--company", company, "--as", "plain@example.com"
    )

    ixon.ok("users", "remove", "PLAIN@example.com", viewer, "--company", company)
    listed = json.loads(ixon.ok("users", "list", "--company", company, "--json"))
    assert [u["emailAddress"] for u in listed] == [ADMIN_EMAIL]


def test_removing_fails_in_one_line(ixon: Cli, seeded: dict[str, str]) -> None:
    company = seeded["companyId"]
    assert "without an administrator" in ixon.fails(
        "users", "remove", ADMIN_EMAIL, "--company", company
    )
    assert "nobody@example.com" in ixon.fails(
        "users", "remove", "nobody@example.com", "--company", company
    )
    assert "not found" in ixon.fails("users", "list", "--company", "0000-0000-0000-0000-0000")
    other = json.loads(
        ixon.ok(
            "bootstrap",
            "--company",
            "Beta",
            "--email",
            "beta@example.com",
            "--password",
            PASSWORD,
            "--json",
        )
    )
    # Beta's administrator is no one in Acme: Acme is not found for them.
    assert "not found" in ixon.fails("users", "list", "--company", company, "--as", other["email"])


def test_token_create_gives_a_working_token(ixon: Cli, seeded: dict[str, str]) -> None:
    issued = json.loads(
        ixon.ok(
            "token",
            "create",
            "--email",
            ADMIN_EMAIL,
            "--password",
            ADMIN_PASSWORD,
            "--expires-in",
            "600",
            "--json",
        )
    )
    assert set(issued) == {"publicId", "secretId", "expiresOn", "applicationId", "userId"}
    assert issued["applicationId"] == seeded["applicationId"]
    assert issued["userId"] == seeded["userId"]
    # Without --password, from standard input; only the secret is printed.
    piped = ixon.ok("token", "create", "--email", ADMIN_EMAIL, input=f"{ADMIN_PASSWORD}\n")
    assert len(piped.strip()) == 32 and piped.strip().isalnum()

    async def use(secret: str) -> int:
        app = create_app(Settings(database_url=ixon.database_url, outbox_worker=False))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                headers = {
                    "Api-Version": "2",
                    "Api-Application": seeded["applicationId"],
                    "Api-Company": seeded["companyId"],
                    "Authorization": f"Bearer {secret}",
                }
                return (await client.get("/users", headers=headers)).status_code

    assert asyncio.run(use(issued["secretId"])) == 200
    assert asyncio.run(use(piped.strip())) == 200


def test_token_create_fails_in_one_line(ixon: Cli, seeded: dict[str, str]) -> None:
    email = ("--email", ADMIN_EMAIL)
    assert "incorrect" in ixon.fails("token", "create", *email, "--password", "wrong")
    assert "--expires-in" in ixon.fails(
        "token", "create", *email, "--password", ADMIN_PASSWORD, "--expires-in", "5"
    )
    assert "Api-Application" in ixon.fails(
        "token", "create", *email, "--password", ADMIN_PASSWORD, "--application", "nope"
    )


def test_every_new_command_explains_itself(ixon: Cli) -> None:
    for command in (
        ["users"],
        ["users", "list"],
        ["users", "remove"],
        ["token"],
        ["token", "create"],
        ["outbox"],
    ):
        out = ixon.ok(*command, "--help")
        assert "Usage" in out, command
        assert len(out.split("Usage", 1)[1].strip().splitlines()) > 2, command


def test_usage_mistakes_are_one_line_from_the_installed_command(tmp_path: Path) -> None:
    for args in (["invite", "--csv", str(tmp_path / "none.csv"), "--company", "x"], ["nope"]):
        shown = subprocess.run(
            [IXON_API, *args], capture_output=True, text=True, timeout=60, check=False
        )
        assert shown.returncode == 2, shown
        assert shown.stderr.startswith("error: ") and shown.stderr.count("\n") == 1, shown.stderr
        assert "--help" in shown.stderr and "Traceback" not in shown.stderr


def test_bad_settings_are_named_in_one_line() -> None:
    for variables, named in (
        ({"IXON_SMTP_PORT": "twenty-five"}, "IXON_SMTP_PORT"),
        ({"IXON_ENVIRONMENT": "production", "IXON_SECRET_KEY": "short"}, "IXON_SECRET_KEY"),
    ):
        shown = subprocess.run(
            [IXON_API, "migrate"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env=os.environ | variables,
        )
        assert shown.returncode == 1, shown
        assert shown.stderr.startswith("error: invalid settings: "), shown.stderr
        assert shown.stderr.count("\n") == 1 and named in shown.stderr
