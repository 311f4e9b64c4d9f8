from __future__ import annotations

from sqlalchemy import select

from app.db.repository import Repository
from app.users.models import User, normalize_email


class UserRepository(Repository[User]):
    model = User

    async def by_email(self, address: str) -> User | None:
        stmt = select(User).where(User.email_normalized == normalize_email(address))
        return await self.one_or_none(stmt)
