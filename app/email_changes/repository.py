from __future__ import annotations

from sqlalchemy import Select, select

from app.core.clock import utcnow
from app.db.repository import Repository
from app.email_changes.models import PENDING, EmailAddressChange
from app.users.models import User


class EmailChangeRepository(Repository[EmailAddressChange]):
    model = EmailAddressChange

    def pending_of(self, user_id: int) -> Select[EmailAddressChange]:
        """The user's changes still waiting for their confirmation (expired ones left out)."""
        return select(EmailAddressChange).where(
            EmailAddressChange.user_id == user_id,
            EmailAddressChange.status == PENDING,
            EmailAddressChange.expires_on > utcnow(),
        )

    async def all_pending_of(self, user_id: int) -> list[EmailAddressChange]:
        stmt = self.pending_of(user_id).order_by(EmailAddressChange.id)
        return list(await self.session.scalars(stmt))

    async def user_of(self, change: EmailAddressChange) -> User | None:
        return await self.session.get(User, change.user_id)
