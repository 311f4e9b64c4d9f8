"""All SQL of invites, including the invite-bound memberships they create and hand over."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, delete, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from app.companies.models import Company
from app.core.clock import utcnow
from app.db.repository import Repository
from app.groups.models import Group
from app.invites.models import EXPIRED, PENDING, Invite
from app.memberships.models import Membership
from app.roles.models import Role
from app.users.models import User


def status_expr(now: datetime) -> ColumnElement[str]:
    """The status a client sees: a pending invite past its expiry reads ``expired``."""
    return case(
        (and_(Invite.status == PENDING, Invite.expires_on <= now), EXPIRED),
        else_=Invite.status,
    )


class InviteRepository(Repository[Invite]):
    model = Invite

    def of_company(self, company_id: int) -> Select[Invite]:
        return select(Invite).where(Invite.company_id == company_id)

    def addressed_to(self, email_normalized: str) -> Select[Invite]:
        return select(Invite).where(Invite.email_normalized == email_normalized)

    async def many(self, company_id: int, public_ids: Sequence[str]) -> dict[str, Invite]:
        if not public_ids:
            return {}
        stmt = self.of_company(company_id).where(Invite.public_id.in_(set(public_ids)))
        return {i.public_id: i for i in await self.session.scalars(stmt)}

    async def pending_for(self, company_id: int, emails: Sequence[str]) -> dict[str, Invite]:
        """The company's invites with status pending (expired ones too) for these addresses."""
        if not emails:
            return {}
        stmt = self.of_company(company_id).where(
            Invite.email_normalized.in_(set(emails)), Invite.status == PENDING
        )
        return {i.email_normalized: i for i in await self.session.scalars(stmt)}

    async def member_emails(self, company_id: int, emails: Sequence[str]) -> set[str]:
        """Which of these addresses belong to a user with a live membership in the company."""
        if not emails:
            return set()
        stmt = (
            select(User.email_normalized)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.company_id == company_id,
                User.email_normalized.in_(set(emails)),
                Membership.live(),
            )
            .distinct()
        )
        return {e for e in await self.session.scalars(stmt) if e is not None}

    async def accounts(self, emails: Sequence[str]) -> dict[str, User]:
        """The accounts of these (normalised) addresses."""
        if not emails:
            return {}
        stmt = select(User).where(User.email_normalized.in_(set(emails)))
        return {u.email_normalized or "": u for u in await self.session.scalars(stmt)}

    async def users(self, ids: Sequence[int | None]) -> dict[int, User]:
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return {}
        return {
            u.id: u for u in await self.session.scalars(select(User).where(User.id.in_(wanted)))
        }

    async def user(self, public_id: str) -> User | None:
        result = await self.session.scalars(select(User).where(User.public_id == public_id))
        return result.first()

    async def companies(self, ids: Sequence[int]) -> dict[int, Company]:
        if not ids:
            return {}
        stmt = select(Company).where(Company.id.in_(set(ids)))
        return {c.id: c for c in await self.session.scalars(stmt)}

    async def groups(self, company_id: int, public_ids: Sequence[str]) -> dict[str, Group]:
        if not public_ids:
            return {}
        stmt = select(Group).where(Group.company_id == company_id, Group.public_id.in_(public_ids))
        return {g.public_id: g for g in await self.session.scalars(stmt)}

    async def roles(self, company_id: int, public_ids: Sequence[str]) -> dict[str, Role]:
        """The company's roles, with their permissions (for the rule on granting)."""
        if not public_ids:
            return {}
        stmt = (
            select(Role)
            .where(Role.company_id == company_id, Role.public_id.in_(public_ids))
            .options(selectinload(Role.permissions))
        )
        return {r.public_id: r for r in await self.session.scalars(stmt)}

    async def memberships(self, invite_ids: Sequence[int]) -> dict[int, list[Membership]]:
        """The memberships bound to these invites, with group and role, in creation order."""
        found: dict[int, list[Membership]] = defaultdict(list)
        if not invite_ids:
            return found
        stmt = (
            select(Membership)
            .where(Membership.invite_id.in_(set(invite_ids)))
            .order_by(Membership.id)
            .options(selectinload(Membership.group), selectinload(Membership.role))
        )
        for membership in await self.session.scalars(stmt):
            assert membership.invite_id is not None
            found[membership.invite_id].append(membership)
        return found

    async def user_memberships(self, company_id: int, user_id: int) -> list[Membership]:
        stmt = select(Membership).where(
            Membership.company_id == company_id, Membership.user_id == user_id
        )
        return list(await self.session.scalars(stmt))

    async def delete_memberships(
        self, *, invite_ids: Sequence[int] = (), ids: Sequence[int] = ()
    ) -> None:
        if invite_ids:
            await self.session.execute(
                delete(Membership).where(Membership.invite_id.in_(set(invite_ids)))
            )
        if ids:
            await self.session.execute(delete(Membership).where(Membership.id.in_(set(ids))))

    async def finish(self, invite_id: int, status: str, *, unexpired: bool, **values: Any) -> bool:
        """Moves a pending invite to ``status``: one conditional UPDATE, so of two requests
        finishing the same invite at once exactly one succeeds."""
        return invite_id in await self.finish_many(
            [invite_id], status, unexpired=unexpired, **values
        )

    async def finish_many(
        self, invite_ids: Sequence[int], status: str, *, unexpired: bool, **values: Any
    ) -> set[int]:
        """``finish`` for many invites in one UPDATE; the ids of those it moved (the others
        were not pending any more)."""
        now = utcnow()
        where = [Invite.id.in_(set(invite_ids)), Invite.status == PENDING]
        if unexpired:
            where.append(Invite.expires_on > now)
        result = await self.session.execute(
            update(Invite)
            .where(*where)
            .values(status=status, finished_on=now, **values)
            .returning(Invite.id)
            .execution_options(synchronize_session=False)
        )
        return set(result.scalars())
