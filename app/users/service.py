"""Accounts: one per person (or service account), shared by every company they belong to."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.context import AuthContext
from app.core import security
from app.core.clock import utcnow
from app.core.errors import BadRequest, Conflict
from app.users.models import PERSON, User, normalize_email
from app.users.repository import UserRepository
from app.users.schemas import MyUserPatch

MIN_PASSWORD, MAX_PASSWORD = 8, 1024


def check_email(address: str, property_name: str = "emailAddress") -> str:
    """A syntactically valid address (no DNS look-up), in the form the user typed it."""
    try:
        result = validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise BadRequest(
            f"{address!r} is not a valid e-mail address: {exc}", property_name
        ) from None
    return result.normalized


def check_password(password: str, property_name: str = "password") -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise BadRequest(
            f"A password has {MIN_PASSWORD} to {MAX_PASSWORD} characters", property_name
        )


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
        check_password(password)
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
    return await repository.add(user)


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
    await session.delete(user)
    await session.flush()


__all__ = ["normalize_email"]
