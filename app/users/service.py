"""Accounts: one per person (or service account), shared by every company they belong to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError
from sqlalchemy import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.applications.models import Application
from app.auth.context import AuthContext, CompanyScoped
from app.auth.permissions import Permission
from app.core import passwords, security
from app.core.clock import utcnow
from app.core.errors import AppError, BadRequest, Conflict, combine, not_found
from app.core.querying import FilterColumn, ListParams, Selection, paginate_rows, selects
from app.memberships import service as membership_service
from app.memberships.models import Membership
from app.otp_auth import service as otp_service
from app.users import emails
from app.users.models import PERSON, SERVICE_ACCOUNT, User, normalize_email
from app.users.repository import UserRepository
from app.users.schemas import MyUserPatch, UserOut

MIN_PASSWORD, MAX_PASSWORD = 8, 1024


def check_email(address: str, property_name: str = "emailAddress") -> str:
    """A syntactically valid address (no DNS look-up), in the form the user typed it."""
    try:
        return emails.normalized(address.strip())
    except EmailNotValidError as exc:
        raise BadRequest(
            f"{address!r} is not a valid e-mail address: {exc}", property_name
        ) from None


def check_password(
    password: str, property_name: str = "password", user_inputs: Sequence[str | None] = ()
) -> None:
    """A new password: 8 to 1024 characters, and not one that is easy to guess (common ones,
    or the account's own name or address: ``user_inputs``)."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise BadRequest(
            f"A password has {MIN_PASSWORD} to {MAX_PASSWORD} characters", property_name
        )
    if passwords.too_easy(password, user_inputs):
        raise BadRequest(passwords.TOO_COMMON, property_name)


async def by_email(session: AsyncSession, address: str) -> User | None:
    return await UserRepository(session).by_email(address)


async def create_person(
    session: AsyncSession,
    *,
    email: str,
    name: str,
    password: str | None,
    language: str = "en",
    registered_by: User | None = None,
) -> User:
    address = check_email(email)
    if password is not None:
        check_password(password, user_inputs=(email, name))
    repository = UserRepository(session)
    if await repository.by_email(address) is not None:
        raise Conflict("An account with this e-mail address exists already", "emailAddress")
    user = User(
        type=PERSON,
        name=name,
        email_address=address,
        email_normalized=normalize_email(address),
        password_hash=await security.hash_password(password) if password else None,
        language=language,
        registered_by_id=registered_by.id if registered_by else None,
    )
    try:
        return await repository.add(user)
    except IntegrityError:  # made at the same moment by another request (another invite, ...)
        raise Conflict(
            "An account with this e-mail address exists already", "emailAddress"
        ) from None


async def verify_login(session: AsyncSession, email: str, password: str) -> User | None:
    """The user whose e-mail and password these are, else None, in the same time either way."""
    user = await UserRepository(session).by_email(email) if email else None
    stored = user.password_hash if user is not None else None
    if not await security.verify_password(stored, password) or user is None:
        return None
    if stored is not None and security.needs_rehash(stored):
        user.password_hash = await security.hash_password(password)
    return user


async def update_me(session: AsyncSession, auth: AuthContext, patch: MyUserPatch) -> None:
    user = auth.user
    changes = patch.model_dump(exclude_unset=True)
    for wire, attribute in (("name", "name"), ("language", "language"),
                            ("localisation", "localisation"), ("timeZone", "time_zone"),
                            ("phoneNumber", "phone_number"), ("custom", "custom")):  # fmt: skip
        if wire in changes:
            if changes[wire] is None and wire in ("name", "language", "custom"):
                raise BadRequest(f"{wire} cannot be null", wire)
            setattr(user, attribute, changes[wire])
    await session.flush()


def touch(user: User) -> None:
    """Record activity at most once a minute, so reads do not all become writes."""
    now = utcnow()
    if user.last_seen_on is None or (now - user.last_seen_on).total_seconds() > 60:
        user.last_seen_on = now


async def delete_account(session: AsyncSession, user: User) -> None:
    await delete_accounts(session, [user])


async def delete_accounts(session: AsyncSession, users: Sequence[User]) -> None:
    """Deletes the accounts; their memberships, tokens and service-account applications go
    with them (foreign keys cascade). Pending changes are written first, so nothing updates a
    row that is gone (authentication marks the caller's token and account as used)."""
    await session.flush()
    await UserRepository(session).delete_ids([u.id for u in users])


async def create_service_account(
    session: AsyncSession, *, name: str, registered_by: User | None
) -> User:
    """An account for an integration: no e-mail address, no password, only tokens."""
    return await UserRepository(session).add(
        User(
            type=SERVICE_ACCOUNT,
            name=name,
            registered_by_id=registered_by.id if registered_by else None,
        )
    )


# What `GET /users` reads of a user (app/users/presenters.py `company_user`).
ROW_COLUMNS = (
    User.id,
    User.public_id,
    User.type,
    User.name,
    User.email_address,
    User.support,
    User.registered_on,
    User.last_seen_on,
    User.registered_by_id,
    User.custom,
)
FILTERS = {
    "publicId": FilterColumn(User.public_id),
    "name": FilterColumn(User.name),
    "emailAddress": FilterColumn(User.email_normalized, normalize=normalize_email),
    "type": FilterColumn(User.type),
    "support": FilterColumn(User.support, bool),
    "registeredOn": FilterColumn(User.registered_on, datetime),
    "lastSeenOn": FilterColumn(User.last_seen_on, datetime),
}


@dataclass(slots=True)
class CompanyUser:
    """A user as one company sees them: only that company's memberships."""

    user: User
    memberships: list[Membership] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    registered_by: User | None = None
    otp_required: bool = False


@dataclass(slots=True)
class CompanyUserRow:
    """`CompanyUser` of `GET /users`: the user and the memberships as Core rows of what the
    presenters read (`ROW_COLUMNS`, app/memberships/repository.py `REF_ROWS`)."""

    user: Row[Any]
    memberships: list[Row[Any]] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    registered_by: User | None = None
    otp_required: bool = False


def _wanted(fields: Selection | None, name: str) -> bool:
    """Whether the answer shows ``name`` (a relationship is loaded only then)."""
    return selects(fields, name, UserOut)


async def _with_details(
    session: AsyncSession,
    company_id: int,
    users: Sequence[User | Row[Any]],
    fields: Selection | None,
    *,
    rows: bool = False,
) -> list[Any]:
    """The users with what the answer shows of them: one query per kind, never per user;
    ``rows``: memberships as Core rows (`GET /users`)."""
    repository = UserRepository(session)
    ids = [u.id for u in users]
    memberships: dict[int, list[Any]] = {}
    if _wanted(fields, "memberships"):
        memberships = (
            await membership_service.rows_of_users(session, company_id, ids)
            if rows
            else dict(await membership_service.of_users(session, company_id, ids))
        )
    accounts = [u.id for u in users if u.type == SERVICE_ACCOUNT]
    applications = (
        await repository.applications_of(accounts) if _wanted(fields, "apiApplications") else {}
    )
    registrars = (
        await repository.by_ids([u.registered_by_id for u in users if u.registered_by_id])
        if _wanted(fields, "registeredBy")
        else {}
    )
    enforced = (
        await otp_service.required_in_company(session, company_id, ids)
        if _wanted(fields, "otpauthRequired")
        else set()
    )
    kind: Any = CompanyUserRow if rows else CompanyUser
    return [
        kind(
            user=u,
            memberships=memberships.get(u.id, []),
            applications=applications.get(u.id, []),
            registered_by=registrars.get(u.registered_by_id) if u.registered_by_id else None,
            otp_required=u.id in enforced,
        )
        for u in users
    ]


async def list_in_company(
    session: AsyncSession, auth: CompanyScoped, params: ListParams
) -> tuple[list[CompanyUser], str | None]:
    """`GET /users`: the people and service accounts holding a membership in the company."""
    company_id = auth.company_id
    repository = UserRepository(session)
    stmt = repository.of_company(company_id).where(*params.where(FILTERS))
    rows, more = await repository.page(stmt, params)
    return await _with_details(session, company_id, rows, params.fields), more


async def list_rows_in_company(
    session: AsyncSession, auth: CompanyScoped, params: ListParams
) -> tuple[list[CompanyUserRow], str | None]:
    """`list_in_company` with Core rows for the users and their memberships (`GET /users`)."""
    company_id = auth.company_id
    stmt = UserRepository(session).of_company(company_id).with_only_columns(*ROW_COLUMNS)
    page = await paginate_rows(session, stmt.where(*params.where(FILTERS)), User, params.page)
    rows, more = page
    return await _with_details(session, company_id, rows, params.fields, rows=True), more


async def get_in_company(
    session: AsyncSession, auth: AuthContext, public_id: str, params: ListParams | None = None
) -> CompanyUser:
    """`GET /users/{publicId}`: a user of another company (or of none) is not found."""
    company_id = auth.company_or_raise.id
    repository = UserRepository(session)
    where = params.where(FILTERS) if params is not None else []
    stmt = repository.of_company(company_id).where(User.public_id == public_id, *where)
    user = await repository.one_or_none(stmt)
    if user is None:
        raise not_found("User")
    fields = params.fields if params is not None else None
    found: CompanyUser = (await _with_details(session, company_id, [user], fields))[0]
    return found


async def remove_from_company(
    session: AsyncSession, auth: AuthContext, public_ids: Sequence[str], *, bulk: bool = True
) -> None:
    """`DELETE /users`: the people's memberships in this company go; their accounts and other
    companies are untouched. A service account exists only for its company, so removing it
    deletes it (as `DELETE /users/service-account` does; that needs MANAGE_SERVICE_ACCOUNTS
    too). All or nothing; the company keeps an administrator."""
    company = auth.company_or_raise
    await membership_service.lock_companies(session, [company.id])
    found = await membership_service.members(session, company.id, public_ids)
    errors: list[AppError] = [
        not_found("User").at_index(index)
        for index, public_id in enumerate(public_ids)
        if public_id not in found
    ]
    if errors:
        raise combine(errors, bulk=bulk)
    users = list({found[p].id: found[p] for p in public_ids}.values())
    people = [u for u in users if u.type != SERVICE_ACCOUNT]
    accounts = [u for u in users if u.type == SERVICE_ACCOUNT]
    if accounts:
        auth.assert_permission(Permission.MANAGE_SERVICE_ACCOUNTS)
        await membership_service.assert_may_remove(session, auth, accounts, bulk=bulk)
    await membership_service.remove_users(session, auth, people, bulk=bulk)
    await delete_accounts(session, accounts)
