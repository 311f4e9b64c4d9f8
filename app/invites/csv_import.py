"""`ixon-api invite --csv`: many invites from a spreadsheet, each row as a `POST /invites` of
one item (the same rules, permission checks and e-mails), a result per row.

The file is UTF-8 (a BOM is fine) with a header row naming `email`, `group`, `role` and
optionally `message`, in any order. Its delimiter is read from the header row: a comma, or the
semicolon that Excel writes where the comma is the decimal sign (the Netherlands, Germany), or
a tab. A row with more values than the header has columns is refused, not guessed at (an
unquoted comma in a message would otherwise shift the columns).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.acting import acting_in
from app.auth.context import AuthContext
from app.auth.permissions import Permission
from app.brandings import service as branding_service
from app.config import Settings
from app.core.commands import pages
from app.core.errors import AppError, BadRequest, Conflict
from app.core.schemas import Ref
from app.groups import service as group_service
from app.invites import service as invite_service
from app.invites.schemas import GroupRole, InviteCreate
from app.invites.status import ALREADY_INVITED, ALREADY_MEMBER
from app.roles import service as role_service
from app.users.models import normalize_email

CSV_COLUMNS = ("email", "group", "role", "message")
DELIMITERS = (",", ";", "\t")


class Outcome(StrEnum):
    INVITED = "invited"
    WOULD_INVITE = "would invite"  # a dry run's "invited"
    ALREADY_MEMBER = "already member"
    ALREADY_INVITED = "already invited"
    INVALID = "invalid"


SENDS = (Outcome.INVITED, Outcome.WOULD_INVITE)  # the rows whose e-mail carries a link


@dataclass(frozen=True, slots=True)
class InviteRow:
    line: int
    email: str
    group: str
    role: str
    message: str | None
    problem: str | None = None  # what makes the row unreadable, before any look-up


@dataclass(frozen=True, slots=True)
class RowResult:
    row: InviteRow
    outcome: Outcome
    detail: str  # the invite's publicId, or why not

    def as_json(self) -> dict[str, str | int]:
        return {
            "line": self.row.line,
            "email": self.row.email,
            "result": self.outcome.value,
            "detail": self.detail,
        }


def _delimiter(header_line: str) -> str:
    """The delimiter the header row uses most (a comma when it has none of them)."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header(path: Path, names: list[str], delimiter: str) -> list[str]:
    header = [(name or "").strip().lower() for name in names]
    missing = [c for c in CSV_COLUMNS[:3] if c not in header]
    if missing:
        shown = "tab" if delimiter == "\t" else repr(delimiter)
        raise BadRequest(
            f"{path.name}: the header row must name the columns {', '.join(CSV_COLUMNS)} "
            f"(missing: {', '.join(missing)}; read with the delimiter {shown}: a comma, a "
            "semicolon or a tab)"
        )
    return header


def _row(line: int, values: dict[str, str], extra: list[str] | None, width: int) -> InviteRow:
    problem = None
    if extra:
        problem = (
            f"this row has {width + len(extra)} values but the header names {width} columns: "
            "put a message that contains the delimiter in double quotes"
        )
    return InviteRow(
        line=line,
        email=values.get("email", ""),
        group=values.get("group", ""),
        role=values.get("role", ""),
        message=values.get("message") or None,
        problem=problem,
    )


def read_invite_csv(path: Path) -> list[InviteRow]:
    """Rows of ``email,group,role[,message]`` (a header row names the columns, in any order)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            delimiter = _delimiter(handle.readline())
            handle.seek(0)
            reader = csv.DictReader(handle, delimiter=delimiter, restkey="\x00extra")
            reader.fieldnames = _header(path, list(reader.fieldnames or []), delimiter)
            rows: list[InviteRow] = []
            for record in reader:
                extra = [v for v in record.pop("\x00extra", None) or [] if v.strip()]
                values = {k: (v or "").strip() for k, v in record.items() if isinstance(v, str)}
                if not any(values.values()) and not extra:
                    continue
                rows.append(_row(reader.line_num, values, extra, len(reader.fieldnames)))
            return rows
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise BadRequest(f"{path.name} cannot be read as UTF-8 CSV: {exc}") from None


@dataclass(slots=True)
class Directory:
    """A company's groups and roles by publicId and by (case-insensitive) name."""

    groups: dict[str, list[str]]
    roles: dict[str, list[str]]
    company_group: str

    @staticmethod
    def _index(rows: list[tuple[str, str]]) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for public_id, name in rows:
            index.setdefault(public_id, []).append(public_id)
            index.setdefault(name.casefold(), []).append(public_id)
        return {key: sorted(set(ids)) for key, ids in index.items()}

    @classmethod
    async def load(cls, session: AsyncSession, auth: AuthContext) -> Directory:
        groups = [g async for g in pages(lambda p: group_service.list_groups(session, auth, p))]
        roles = [r async for r in pages(lambda p: role_service.list_roles(session, auth, p))]
        company_group = next(g.public_id for g in groups if g.is_company_group)
        return cls(
            cls._index([(g.public_id, g.name) for g in groups]),
            cls._index([(r.public_id, r.name) for r in roles]),
            company_group,
        )

    def _one(self, index: dict[str, list[str]], kind: str, value: str) -> str:
        found = index.get(value) or index.get(value.casefold()) or []
        if not found:
            raise BadRequest(f"no {kind} is named or has the publicId '{value}'", kind)
        if len(found) > 1:
            raise BadRequest(f"several {kind}s are named '{value}': give its publicId", kind)
        return found[0]

    def grant(self, row: InviteRow) -> GroupRole:
        """The row's group (the company group when left empty) and role."""
        if row.problem:
            raise BadRequest(row.problem)
        if not row.email:
            raise BadRequest("the e-mail address is missing", "email")
        if not row.role:
            raise BadRequest("the role is missing", "role")
        group = self._one(self.groups, "group", row.group) if row.group else self.company_group
        role = self._one(self.roles, "role", row.role)
        return GroupRole(group=Ref(publicId=group), role=Ref(publicId=role))


def _classify(error: AppError) -> tuple[Outcome, str]:
    message = "; ".join(item.message for item in error.items)
    if isinstance(error, Conflict) and ALREADY_MEMBER in error.codes:
        return Outcome.ALREADY_MEMBER, message
    if isinstance(error, Conflict) and ALREADY_INVITED in error.codes:
        return Outcome.ALREADY_INVITED, message
    return Outcome.INVALID, message


async def invite_one(
    session: AsyncSession,
    auth: AuthContext,
    settings: Settings,
    branding: str,
    directory: Directory,
    row: InviteRow,
    *,
    dry_run: bool,
) -> RowResult:
    """One row as a `POST /invites` of one item, in a savepoint: a failing row leaves the
    others alone, and a dry run rolls every row back (its e-mail is never queued)."""
    try:
        grant = directory.grant(row)
        item = InviteCreate(emailAddress=row.email, groupRoles=[grant], message=row.message)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return RowResult(row, Outcome.INVALID, f"{where}: {first['msg']}")
    except AppError as error:
        return RowResult(row, *_classify(error))
    nested = await session.begin_nested()
    try:
        created = await invite_service.create_many(session, auth, settings, branding, [item])
    except AppError as error:
        await nested.rollback()
        return RowResult(row, *_classify(error))
    if dry_run:
        await nested.rollback()
        return RowResult(row, Outcome.WOULD_INVITE, "dry run: not written")
    await nested.commit()
    return RowResult(row, Outcome.INVITED, created.invites[0].public_id)


async def links_base(session: AsyncSession, settings: Settings, branding: str) -> str:
    """Where the invitation links of ``branding`` lead (for the reachability warning)."""
    view = await branding_service.resolve(session, settings, branding, "--branding")
    return view.portal_url(settings)


async def invite_all(
    session: AsyncSession,
    settings: Settings,
    *,
    company_id: str,
    as_email: str | None,
    branding: str,
    rows: list[InviteRow],
    dry_run: bool,
    done: Callable[[RowResult], None],
) -> list[RowResult]:
    """Every row in turn; each invited row is committed at once (its e-mail leaves then), so
    an interrupted run can simply be run again: done rows answer `already invited`."""
    auth = await acting_in(session, company_id, as_email, Permission.MANAGE_USERS)
    fqdn = (await branding_service.resolve(session, settings, branding, "--branding")).fqdn
    directory = await Directory.load(session, auth)
    results: list[RowResult] = []
    invited: dict[str, int] = {}  # a dry run rolls rows back: it remembers them itself
    for row in rows:
        earlier = invited.get(normalize_email(row.email)) if row.email else None
        if earlier is not None:
            result = RowResult(row, Outcome.ALREADY_INVITED, f"invited on line {earlier}")
        else:
            result = await invite_one(
                session, auth, settings, fqdn, directory, row, dry_run=dry_run
            )
        if result.outcome in SENDS:
            invited[normalize_email(row.email)] = row.line
            if not dry_run:
                await session.commit()
        results.append(result)
        done(result)
    return results
