"""`ixon-api invite --csv`: many invites through the invites service, a result per row."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from sqlalchemy import func, select

from app.config import Settings
from app.db.session import create_engine, create_sessionmaker
from app.invites.models import Invite
from app.mail.models import OutboxMessage
from tests.ops.conftest import ADMIN_EMAIL, Cli
from tests.ops.test_cli_users import add_person


async def _counts(database_url: str) -> tuple[int, int]:
    engine = create_engine(Settings(database_url=database_url))
    try:
        async with create_sessionmaker(engine)() as session:
            invites = await session.scalar(select(func.count()).select_from(Invite))
            mails = await session.scalar(select(func.count()).select_from(OutboxMessage))
            return int(invites or 0), int(mails or 0)
    finally:
        await engine.dispose()


def counts(ixon: Cli) -> tuple[int, int]:
    """(invites, outbox messages) in the database."""
    return asyncio.run(_counts(ixon.database_url))


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


MIXED = """\ufeffEmail,Group,Role,Message
ann@example.com,,Viewer,Welcome aboard
bob@example.com,Acme,editor,
{admin},,Viewer,
not-an-address,,Viewer,
carl@example.com,,No such role,
dora@example.com,,,
ANN@example.com,,Viewer,twice in one file
"""


def results(out: str) -> list[tuple[int, str, str]]:
    return [(r["line"], r["email"], r["result"]) for r in json.loads(out)]


def test_dry_run_reports_every_row_and_writes_nothing(
    ixon: Cli, seeded: dict[str, str], tmp_path: Path
) -> None:
    csv = write(tmp_path, MIXED.format(admin=ADMIN_EMAIL))
    args = ("invite", "--csv", csv, "--company", seeded["companyId"])
    code, out, _ = ixon(*args, "--dry-run", "--json")
    assert code == 1  # invalid rows
    assert results(out) == [
        (2, "ann@example.com", "would invite"),
        (3, "bob@example.com", "would invite"),
        (4, ADMIN_EMAIL, "already member"),
        (5, "not-an-address", "invalid"),
        (6, "carl@example.com", "invalid"),
        (7, "dora@example.com", "invalid"),
        (8, "ANN@example.com", "already invited"),
    ]
    details = {r["line"]: r["detail"] for r in json.loads(out)}
    assert "No such role" in details[6] and details[7] == "the role is missing"
    assert counts(ixon) == (0, 0)
    code, out, _ = ixon(*args, "--dry-run")
    assert code == 1 and "dry run: nothing was written" in out
    assert "2 would invite" in out and "3 invalid" in out


def test_invites_each_row_and_a_second_run_finds_them_invited(
    ixon: Cli, seeded: dict[str, str], tmp_path: Path
) -> None:
    csv = write(tmp_path, MIXED.format(admin=ADMIN_EMAIL))
    args = ("invite", "--csv", csv, "--company", seeded["companyId"], "--json")
    code, out, _ = ixon(*args)
    assert code == 1
    first = json.loads(out)
    invited = [r for r in first if r["result"] == "invited"]
    assert [r["email"] for r in invited] == ["ann@example.com", "bob@example.com"]
    assert all(len(r["detail"]) == 12 for r in invited)  # the invites' publicIds
    assert counts(ixon) == (2, 2)  # each with its e-mail in the outbox

    code, out, _ = ixon(*args)
    again = {line: result for line, _, result in results(out)}
    assert again[2] == again[3] == "already invited"
    assert counts(ixon) == (2, 2)


def test_a_clean_file_exits_zero(ixon: Cli, seeded: dict[str, str], tmp_path: Path) -> None:
    rows = "".join(f"person{i}@example.com,,User,\n" for i in range(25))
    csv = write(tmp_path, "email,group,role\n" + rows)
    out = ixon.ok("invite", "--csv", csv, "--company", seeded["companyId"])
    assert "25 invited" in out
    assert counts(ixon) == (25, 25)


def test_the_caller_needs_manage_users_and_a_known_branding(
    ixon: Cli, seeded: dict[str, str], tmp_path: Path
) -> None:
    company = seeded["companyId"]
    add_person(ixon, company, "viewer@example.com", "Viewer")
    csv = write(tmp_path, "email,group,role\nann@example.com,,Viewer\n")
    base = ("invite", "--csv", csv, "--company", company)
    assert "MANAGE_USERS" in ixon.fails(*base, "--as", "viewer@example.com")
    assert "nowhere.example.com" in ixon.fails(*base, "--branding", "nowhere.example.com")
    assert counts(ixon) == (0, 0)


def test_a_file_without_the_columns_is_one_error_line(
    ixon: Cli, seeded: dict[str, str], tmp_path: Path
) -> None:
    csv = write(tmp_path, "address,team\nann@example.com,x\n")
    error = ixon.fails("invite", "--csv", csv, "--company", seeded["companyId"])
    assert "email, group, role" in error
