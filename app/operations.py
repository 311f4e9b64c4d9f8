"""What the operator's commands do (`ixon-api users`, `token`, `invite`), through the same
service functions as the API: the same rules, permission checks and e-mails.

Company-scoped commands act as a person of the company: the one named with ``--as``, else its
longest-standing administrator. Their permissions there are checked as for an API call.
"""

from __future__ import annotations

import base64
import csv
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.access_tokens import service as token_service
from app.access_tokens.models import AccessToken
from app.access_tokens.schemas import AccessTokenCreate
from app.applications import service as application_service
from app.applications.models import Application
from app.audit import context as audit_context
from app.auth.context import AuthContext
from app.auth.permissions import Permission
from app.auth.ratelimit import LoginLimiter
from app.brandings import service as branding_service
from app.companies.models import Company
from app.config import Settings
from app.core.clock import utcnow
from app.core.errors import AppError, BadRequest, Conflict, NotFound
from app.core.querying import MAX_PAGE_SIZE, ListParams, Page, parse_fields
from app.core.schemas import Ref
from app.groups import service as group_service
from app.invites import service as invite_service
from app.invites.schemas import GroupRole, InviteCreate
from app.memberships import service as membership_service
from app.memberships.models import Membership
from app.roles import service as role_service
from app.roles.models import RolePermission
from app.users import service as user_service
from app.users.models import PERSON, User, normalize_email
from app.users.service import CompanyUser

T = TypeVar("T")
CLI_CLIENT = token_service.Client(ip=None, user_agent="ixon-api (command line)")


async def _first_admin(session: AsyncSession, company_id: str) -> User | None:
    """The person holding COMPANY_ADMIN through the company's oldest live membership."""
    stmt = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .join(Company, Company.id == Membership.company_id)
        .join(RolePermission, RolePermission.role_id == Membership.role_id)
        .where(
            Company.public_id == company_id,
            User.type == PERSON,
            RolePermission.permission == Permission.COMPANY_ADMIN.value,
            or_(Membership.expires_on.is_(None), Membership.expires_on > utcnow()),
        )
        .order_by(Membership.id)
        .limit(1)
    )
    return (await session.scalars(stmt)).first()


async def acting_in(
    session: AsyncSession, company_id: str, as_email: str | None, needs: Permission
) -> AuthContext:
    """The context of a person of the company, as authentication would build it, holding
    ``needs`` (the permission the matching API route declares)."""
    if as_email is not None:
        user = await user_service.by_email(session, as_email)
        if user is None:
            raise NotFound(f"No account has the e-mail address {as_email}", "--as")
    else:
        user = await _first_admin(session, company_id)
        if user is None:
            raise NotFound(f"Company {company_id} not found, or it has no administrator")
    company, permissions = await membership_service.company_access(
        session, user, company_id, "--company"
    )
    # Neither row is ever added to the session: no token is issued for a command.
    application = Application(name="ixon-api (command line)")
    token = AccessToken(user_id=user.id, secret_hash="")
    auth = AuthContext(user, token, application, company, permissions)
    auth.assert_permission(needs)
    audit_context.identify(session, auth)
    return auth


async def pages(
    fetch: Callable[[ListParams], Awaitable[tuple[list[T], str | None]]],
    fields: str | None = None,
) -> AsyncIterator[T]:
    """Every row of a list service, a page at a time."""
    after: str | None = None
    while True:
        params = ListParams(
            fields=parse_fields([fields] if fields else None), page=Page(MAX_PAGE_SIZE, after)
        )
        rows, after = await fetch(params)
        for row in rows:
            yield row
        if after is None:
            return


USER_FIELDS = "publicId,name,emailAddress,type,support,registeredOn,lastSeenOn,memberships"


async def company_users(session: AsyncSession, auth: AuthContext) -> list[CompanyUser]:
    return [
        u
        async for u in pages(lambda p: user_service.list_in_company(session, auth, p), USER_FIELDS)
    ]


async def remove_users(session: AsyncSession, auth: AuthContext, who: list[str]) -> list[User]:
    """Takes the users named by e-mail address or publicId out of the company (all or none)."""
    users = await company_users(session, auth)
    by_key = {u.user.public_id: u.user for u in users} | {
        normalize_email(u.user.email_address): u.user for u in users if u.user.email_address
    }
    chosen: list[User] = []
    for name in who:
        user = by_key.get(name) or by_key.get(normalize_email(name))
        if user is None:
            raise NotFound(f"{name} is not a user of this company")
        chosen.append(user)
    await user_service.remove_from_company(session, auth, [u.public_id for u in chosen])
    return chosen


@dataclass(frozen=True, slots=True)
class IssuedToken:
    public_id: str
    secret: str
    expires_on: datetime | None
    application_id: str
    user_id: str

    def as_json(self) -> dict[str, str | None]:
        return {
            "publicId": self.public_id,
            "secretId": self.secret,
            "expiresOn": self.expires_on.isoformat() if self.expires_on else None,
            "applicationId": self.application_id,
            "userId": self.user_id,
        }


async def create_token(
    session: AsyncSession,
    settings: Settings,
    *,
    email: str,
    password: str,
    expires_in: int,
    application_id: str | None,
    otp: str = "",
) -> IssuedToken:
    """A log-in as `POST /access-tokens` does it: same checks, same failed-log-in limits."""
    if application_id is not None:
        application = await application_service.get_enabled(session, application_id)
    else:
        found = await application_service.first_operator_application(session)
        if found is None:
            raise BadRequest("No application is registered: run `ixon-api application add NAME`")
        application = found
    credentials = base64.b64encode(f"{email}:{otp}:{password}".encode()).decode()
    try:
        body = AccessTokenCreate(expiresIn=expires_in)
    except ValueError:
        raise BadRequest("--expires-in must be between 60 and 5184000 seconds") from None
    new = await token_service.log_in(
        session, LoginLimiter(settings), application, f"Basic {credentials}", body, CLI_CLIENT
    )
    return IssuedToken(
        new.token.public_id,
        new.secret,
        new.token.expires_on,
        application.public_id,
        new.token.user.public_id,
    )


# --- `ixon-api invite --csv` ------------------------------------------------------------------


class Outcome(StrEnum):
    INVITED = "invited"
    ALREADY_MEMBER = "already member"
    ALREADY_INVITED = "already invited"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class InviteRow:
    line: int
    email: str
    group: str
    role: str
    message: str | None


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


CSV_COLUMNS = ("email", "group", "role", "message")


def read_invite_csv(path: Path) -> list[InviteRow]:
    """Rows of ``email,group,role[,message]`` (a header row names the columns, in any order)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [(name or "").strip().lower() for name in reader.fieldnames or []]
            missing = [c for c in CSV_COLUMNS[:3] if c not in header]
            if missing:
                raise BadRequest(
                    f"{path.name}: the header row must name the columns {', '.join(CSV_COLUMNS)} "
                    f"(missing: {', '.join(missing)})"
                )
            reader.fieldnames = header
            rows: list[InviteRow] = []
            for record in reader:
                values = {k: (v or "").strip() for k, v in record.items() if isinstance(v, str)}
                if not any(values.values()):
                    continue
                rows.append(
                    InviteRow(
                        line=reader.line_num,
                        email=values.get("email", ""),
                        group=values.get("group", ""),
                        role=values.get("role", ""),
                        message=values.get("message") or None,
                    )
                )
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
        if not row.role:
            raise BadRequest("the role is missing", "role")
        group = self._one(self.groups, "group", row.group) if row.group else self.company_group
        role = self._one(self.roles, "role", row.role)
        return GroupRole(group=Ref(publicId=group), role=Ref(publicId=role))


def _classify(error: AppError) -> tuple[Outcome, str]:
    message = "; ".join(item.message for item in error.items)
    if isinstance(error, Conflict) and "already a member" in message:
        return Outcome.ALREADY_MEMBER, message
    if isinstance(error, Conflict) and "already been invited" in message:
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
        return RowResult(row, Outcome.INVITED, "dry run: not written")
    await nested.commit()
    return RowResult(row, Outcome.INVITED, created.invites[0].public_id)


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
        earlier = invited.get(normalize_email(row.email))
        if earlier is not None:
            result = RowResult(row, Outcome.ALREADY_INVITED, f"invited on line {earlier}")
        else:
            result = await invite_one(
                session, auth, settings, fqdn, directory, row, dry_run=dry_run
            )
        if result.outcome is Outcome.INVITED:
            invited[normalize_email(row.email)] = row.line
            if not dry_run:
                await session.commit()
        results.append(result)
        done(result)
    return results
