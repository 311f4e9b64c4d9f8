from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Select, select

from app.applications.models import Application
from app.db.repository import Repository
from app.memberships.models import Membership
from app.users.models import User, normalize_email


class UserRepository(Repository[User]):
    model = User

    async def by_email(self, address: str) -> User | None:
        stmt = select(User).where(User.email_normalized == normalize_email(address))
        return await self.one_or_none(stmt)

    def of_company(self, company_id: int) -> Select[User]:
        """The company's users: whoever holds a membership there (live or expired)."""
        members = select(Membership.user_id).where(
            Membership.company_id == company_id, Membership.user_id.is_not(None)
        )
        return select(User).where(User.id.in_(members))

    async def by_ids(self, ids: Sequence[int]) -> dict[int, User]:
        if not ids:
            return {}
        rows = await self.session.scalars(select(User).where(User.id.in_(set(ids))))
        return {user.id: user for user in rows}

    async def applications_of(self, user_ids: Sequence[int]) -> dict[int, list[Application]]:
        """The applications service accounts own (their `apiApplications`): one query."""
        found: dict[int, list[Application]] = defaultdict(list)
        if not user_ids:
            return found
        stmt = (
            select(Application)
            .where(Application.owner_user_id.in_(set(user_ids)))
            .order_by(Application.id)
        )
        for application in await self.session.scalars(stmt):
            assert application.owner_user_id is not None
            found[application.owner_user_id].append(application)
        return found
