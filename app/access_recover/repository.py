"""The one query of the domain: the account a recovery link names.

The users service offers no look-up by publicId, so it is here, read-only.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.users.models import PERSON, User


async def person_by_public_id(session: AsyncSession, public_id: str) -> User | None:
    stmt = select(User).where(User.public_id == public_id, User.type == PERSON).limit(1)
    return (await session.scalars(stmt)).first()
