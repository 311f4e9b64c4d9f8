"""E-mail link secrets: random, single use, expiring; only their hash is stored.

The same secret opens the invitee page (`/portal/...`) and authorises the `/…/me` flow calls as
`Authorization: Bearer <secret>` (REFERENCE.md §10.2).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.action_tokens.models import ActionToken
from app.core import security
from app.core.clock import utcnow
from app.core.errors import Gone, Unauthorized

INVITE, REGISTRATION, ACCESS_RECOVER, EMAIL_CHANGE = (
    "invite",
    "registration",
    "access_recover",
    "email_change",
)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


async def issue(session: AsyncSession, kind: str, reference: str, expires_on: datetime) -> str:
    """A new link secret for ``reference``; earlier unused links for it stop working."""
    await revoke(session, kind, reference)
    secret = new_secret()
    session.add(
        ActionToken(
            kind=kind,
            token_hash=security.token_hash(secret),
            reference=reference,
            expires_on=expires_on,
        )
    )
    await session.flush()
    return secret


async def lookup(session: AsyncSession, kind: str, secret: str) -> ActionToken | None:
    """The token behind ``secret``, used or expired ones included (pages explain those)."""
    stmt = select(ActionToken).where(
        ActionToken.token_hash == security.token_hash(secret), ActionToken.kind == kind
    )
    return (await session.scalars(stmt)).first()


def is_usable(token: ActionToken) -> bool:
    return token.used_on is None and token.expires_on > utcnow()


async def require(session: AsyncSession, kind: str, secret: str | None) -> ActionToken:
    """A usable token of ``kind``, or 401 (unknown) / 410 (used or expired)."""
    token = await lookup(session, kind, secret) if secret else None
    if token is None:
        raise Unauthorized("This link is not valid", "Authorization")
    if not is_usable(token):
        raise Gone("This link has expired or has been used already", "Authorization")
    return token


async def consume(session: AsyncSession, token: ActionToken) -> None:
    """Marks the token used; of two requests racing with one link, only one gets through."""
    result = await session.execute(
        update(ActionToken)
        .where(ActionToken.id == token.id, ActionToken.used_on.is_(None))
        .values(used_on=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Gone("This link has been used already", "Authorization")
    token.used_on = utcnow()


async def revoke(session: AsyncSession, kind: str, reference: str) -> None:
    await revoke_many(session, kind, [reference])


async def revoke_many(session: AsyncSession, kind: str, references: Sequence[str]) -> None:
    """Every unused link of ``kind`` for these references stops working: one UPDATE."""
    if not references:
        return
    await session.execute(
        update(ActionToken)
        .where(
            ActionToken.kind == kind,
            ActionToken.reference.in_(set(references)),
            ActionToken.used_on.is_(None),
        )
        .values(used_on=utcnow())
        .execution_options(synchronize_session=False)
    )
