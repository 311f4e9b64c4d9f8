from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from app.access_tokens.models import AccessToken
from app.db.repository import Repository


class AccessTokenRepository(Repository[AccessToken]):
    model = AccessToken

    async def by_secret_hash(self, secret_hash: str) -> AccessToken | None:
        """One round trip: the token with its user and application."""
        stmt = (
            select(AccessToken)
            .where(AccessToken.secret_hash == secret_hash)
            .options(joinedload(AccessToken.user), joinedload(AccessToken.application))
        )
        return await self.one_or_none(stmt)

    def of_user(self, user_id: int) -> Select[AccessToken]:
        return select(AccessToken).where(AccessToken.user_id == user_id)
