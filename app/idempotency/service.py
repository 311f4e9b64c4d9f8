"""Idempotency keys: claiming one for a request, storing its answer, replaying it.

Each step is its own short transaction (not the request's): the claim must be visible to a
second request at once, while the first is still running, and the unique index on (user,
company, key) makes the claim atomic across processes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.access_tokens.models import AccessToken
from app.core.clock import aware, utcnow
from app.core.security import token_hash
from app.idempotency.models import IdempotencyKey
from app.otp_auth import crypto

TTL = timedelta(hours=24)
# Expired keys are deleted now and then by a claim (an index on expires_on keeps it cheap).
PURGE_CHANCE = 0.01
PURPOSE = "idempotent answer"


@dataclass(frozen=True, slots=True)
class Claimed:
    row_id: int


@dataclass(frozen=True, slots=True)
class Replay:
    status_code: int
    content_type: str | None
    body: bytes


@dataclass(frozen=True, slots=True)
class Refused:
    status_code: int  # 422: another request used the key; 409: the first is still running
    message: str


async def user_of(maker: async_sessionmaker[AsyncSession], secret: str) -> int | None:
    """The user of a live access token (the key's scope); None lets authentication answer."""
    async with maker() as session:
        row = (
            await session.execute(
                select(AccessToken.user_id, AccessToken.expires_on).where(
                    AccessToken.secret_hash == token_hash(secret)
                )
            )
        ).first()
    if row is None or (row.expires_on is not None and aware(row.expires_on) <= utcnow()):
        return None
    return int(row.user_id)


async def claim(
    maker: async_sessionmaker[AsyncSession],
    user_id: int,
    company: str,
    key: str,
    request_hash: str,
) -> Claimed | Replay | Refused:
    scope = (IdempotencyKey.user_id == user_id, IdempotencyKey.company == company)
    for _ in range(3):
        async with maker() as session:
            now = utcnow()
            row = IdempotencyKey(
                user_id=user_id,
                company=company,
                key=key,
                request_hash=request_hash,
                expires_on=now + TTL,
            )
            session.add(row)
            if random.random() < PURGE_CHANCE:  # noqa: S311 - not a secret
                await purge(session)
            try:
                await session.commit()
                return Claimed(row.id)
            except IntegrityError:
                await session.rollback()
            found = await session.scalar(
                select(IdempotencyKey).where(*scope, IdempotencyKey.key == key)
            )
            if found is None:
                continue  # released meanwhile: claim again
            if aware(found.expires_on) <= now:
                await session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == found.id))
                await session.commit()
                continue
            if found.request_hash != request_hash:
                return Refused(
                    422,
                    "This Idempotency-Key was used for another request; use a new key for "
                    "a new request",
                )
            if found.status_code is None or found.body_encrypted is None:
                return Refused(
                    409,
                    "A request with this Idempotency-Key is still being processed; retry "
                    "once it has finished",
                )
            body = crypto.decrypt(found.body_encrypted, PURPOSE)
            if body is None:  # the secret key changed: the stored answer cannot be read
                return Refused(422, "The answer stored for this Idempotency-Key cannot be read")
            return Replay(found.status_code, found.content_type, body.encode("latin-1"))
    return Refused(409, "This Idempotency-Key is being used by another request; retry")


async def finish(
    maker: async_sessionmaker[AsyncSession],
    claimed: Claimed,
    status_code: int,
    content_type: str | None,
    body: bytes,
) -> None:
    async with maker() as session:
        await session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.id == claimed.row_id)
            .values(
                status_code=status_code,
                content_type=content_type,
                body_encrypted=crypto.encrypt(body.decode("latin-1"), PURPOSE),
            )
        )
        await session.commit()


async def release(maker: async_sessionmaker[AsyncSession], claimed: Claimed) -> None:
    """The request failed without an answer worth keeping (5xx): a retry may run it again."""
    async with maker() as session:
        await session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == claimed.row_id))
        await session.commit()


async def purge(session: AsyncSession) -> int:
    result = await session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.expires_on <= utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)
