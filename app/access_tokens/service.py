"""Access tokens: log-in with Basic credentials, bearer authentication, listing and revoking."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from app.access_tokens.models import AccessToken
from app.access_tokens.repository import AccessTokenRepository
from app.access_tokens.schemas import AccessTokenCreate
from app.applications.models import Application
from app.auth.context import AuthContext
from app.auth.ratelimit import LoginLimiter, Secret
from app.core import ids, security
from app.core.clock import utcnow
from app.core.errors import Unauthorized, combine, not_found
from app.core.querying import FilterColumn, ListParams
from app.core.schemas import PublicIdItem
from app.i18n.catalogues import N_
from app.otp_auth import login as otp_login
from app.users import service as user_service
from app.users.models import User, normalize_email

# Marked for the catalogues: the portal's sign-in page shows it translated (service_texts).
BAD_CREDENTIALS = N_("The e-mail address or password is incorrect")


@dataclass(frozen=True, slots=True)
class Client:
    """Where a request came from, recorded on the tokens it creates."""

    ip: str | None
    user_agent: str | None


@dataclass(frozen=True, slots=True)
class NewToken:
    token: AccessToken
    secret: str


def parse_basic(header: str) -> tuple[str, str, str]:
    """``Basic base64(email:otp:password)``, standard or URL-safe alphabet, padding optional:
    (e-mail, code, password).

    Two parts are ``email:password`` (no code), as some clients send without two-factor
    authentication. With three or more, the e-mail ends at the first colon and the code at
    the second; the password may hold more colons.
    """
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        raise Unauthorized("Send Authorization: Basic base64(email:password)", "Authorization")
    raw = encoded.strip()
    raw += "=" * (-len(raw) % 4)
    try:
        decoded = base64.b64decode(raw.replace("-", "+").replace("_", "/"), validate=True)
        text = decoded.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthorized("The Basic credentials are not valid base64", "Authorization") from None
    if "\x00" in text:  # a NUL reaches no database (PostgreSQL refuses it in text)
        raise Unauthorized("The Basic credentials may not contain a NUL character", "Authorization")
    email, sep1, rest = text.partition(":")
    if not sep1:
        raise Unauthorized(
            "Basic credentials are email:password or email:otp:password", "Authorization"
        )
    otp, sep2, password = rest.partition(":")
    if not sep2:
        otp, password = "", rest
    return email.strip(), otp.strip(), password


async def issue(
    session: AsyncSession,
    user: User,
    application: Application,
    *,
    expires_in: int | None,
    client: Client | None = None,
    scope: dict[str, Any] | None = None,
) -> NewToken:
    """A new token; ``expires_in`` None (service accounts) never expires."""
    secret = ids.secret(32)
    token = AccessToken(
        user_id=user.id,
        application_id=application.id,
        secret_hash=security.token_hash(secret),
        expires_on=utcnow() + timedelta(seconds=expires_in) if expires_in is not None else None,
        created_ip=client.ip if client else None,
        created_user_agent=(client.user_agent or None) if client else None,
        scope=scope,
    )
    await AccessTokenRepository(session).add(token)
    token.user = user
    return NewToken(token, secret)


def _scope(body: AccessTokenCreate) -> dict[str, Any] | None:
    return body.scope.model_dump(exclude_none=True) if body.scope else None


async def log_in(
    session: AsyncSession,
    limiter: LoginLimiter,
    application: Application,
    authorization: str,
    body: AccessTokenCreate,
    client: Client,
) -> NewToken:
    email, otp, password = parse_basic(authorization)
    account, address = normalize_email(email), client.ip or ""
    attempt = await limiter.attempt(Secret.PASSWORD, account, address)
    user = await user_service.verify_login(session, email, password)
    if user is None:
        raise Unauthorized(BAD_CREDENTIALS)
    await attempt.succeeded()
    await otp_login.second_factor(session, limiter, user, otp, account, address)
    user_service.touch(user)
    return await issue(
        session, user, application, expires_in=body.expiresIn, client=client, scope=_scope(body)
    )


async def issue_for(
    session: AsyncSession, auth: AuthContext, body: AccessTokenCreate, client: Client
) -> NewToken:
    """A further token for the caller (Bearer on `POST /access-tokens`)."""
    return await issue(
        session,
        auth.user,
        auth.application,
        expires_in=body.expiresIn,
        client=client,
        scope=_scope(body),
    )


FILTERS = {
    "publicId": FilterColumn(AccessToken.public_id),
    "expiresOn": FilterColumn(AccessToken.expires_on, datetime),
}


async def list_mine(
    session: AsyncSession, auth: AuthContext, params: ListParams
) -> tuple[list[AccessToken], str | None]:
    repository = AccessTokenRepository(session)
    stmt = repository.of_user(auth.user.id).where(*params.where(FILTERS))
    return await repository.page(stmt, params)


async def get_mine(
    session: AsyncSession, auth: AuthContext, public_id: str, params: ListParams | None = None
) -> AccessToken:
    where = [AccessToken.user_id == auth.user.id]
    if params is not None:
        where += params.where(FILTERS)
    token = await AccessTokenRepository(session).by_public_id(public_id, *where)
    if token is None:
        raise not_found("Access token")
    return token


async def delete_mine(session: AsyncSession, auth: AuthContext, items: list[PublicIdItem]) -> None:
    repository = AccessTokenRepository(session)
    wanted = [i.publicId for i in items]
    found = await repository.by_public_ids(wanted, AccessToken.user_id == auth.user.id)
    errors = [
        not_found("Access token").at_index(index)
        for index, public_id in enumerate(wanted)
        if public_id not in found
    ]
    if errors:
        raise combine(errors)
    await repository.delete_ids([t.id for t in found.values()])


async def delete_one(session: AsyncSession, auth: AuthContext, public_id: str) -> None:
    token = await get_mine(session, auth, public_id)
    await AccessTokenRepository(session).delete_ids([token.id])


async def revoke_all_of(session: AsyncSession, user: User, *, except_id: int | None = None) -> None:
    stmt = delete(AccessToken).where(AccessToken.user_id == user.id)
    if except_id is not None:
        stmt = stmt.where(AccessToken.id != except_id)
    await session.execute(stmt)
