from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, delete, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.auth.permissions import Permission
from app.companies.models import Company
from app.db import session as db_session
from app.db.repository import Repository
from app.groups.models import Group
from app.invites.models import Invite
from app.memberships.models import Membership
from app.roles.models import Role, RolePermission
from app.users.models import PERSON, User

# What the presenter shows: user, group and role (one query, joined).
WITH_REFS = (
    joinedload(Membership.user),
    joinedload(Membership.invite),
    joinedload(Membership.group),
    joinedload(Membership.role),
)
# The same as Core rows (app/memberships/presenters.py `membership_row`).
REF_ROWS = (
    select(
        Membership.user_id,
        Membership.public_id,
        Membership.expires_on,
        User.public_id.label("user_public_id"),
        Invite.public_id.label("invite_public_id"),
        Group.public_id.label("group_public_id"),
        Role.public_id.label("role_public_id"),
    )
    .outerjoin(User, User.id == Membership.user_id)
    .outerjoin(Invite, Invite.id == Membership.invite_id)
    .join(Group, Group.id == Membership.group_id)
    .outerjoin(Role, Role.id == Membership.role_id)
)
# ... and, for the rules on changes, the role's permissions (one more query).
WITH_RULES = (
    joinedload(Membership.user),
    joinedload(Membership.invite),
    joinedload(Membership.group),
    joinedload(Membership.role).selectinload(Role.permissions),
)

# Who holds a membership, in which group, with which role: one per combination.
Key = tuple[int | None, int | None, int, int | None]  # user, invite, group, role


def in_company(company_id: int) -> Select[Any]:
    """The ids of the users holding a membership (live or expired) in the company."""
    return select(Membership.user_id).where(
        Membership.company_id == company_id, Membership.user_id.is_not(None)
    )


class MembershipRepository(Repository[Membership]):
    model = Membership

    async def company_access(
        self, user_id: int, company_public_id: str
    ) -> tuple[Company | None, set[str]]:
        """The company and the permissions the user's live memberships there grant: one query."""
        stmt = (
            select(Company, RolePermission.permission)
            .join(
                Membership, (Membership.company_id == Company.id) & (Membership.user_id == user_id)
            )
            .outerjoin(RolePermission, RolePermission.role_id == Membership.role_id)
            .where(Company.public_id == company_public_id, Membership.live())
        )
        rows = (await self.session.execute(stmt)).all()
        if not rows:
            return None, set()
        return rows[0][0], {permission for _, permission in rows if permission is not None}

    async def companies_access(
        self, user_id: int, company_public_ids: Sequence[str]
    ) -> dict[str, tuple[int, set[str]]]:
        """``company_access`` for many companies in one query: those where the user holds a
        live membership, by publicId, with their id and the permissions granted there (plain
        columns: a bulk request of thousands need not build thousands of Company objects)."""
        if not company_public_ids:
            return {}
        stmt = (
            select(Company.id, Company.public_id, RolePermission.permission)
            .join(
                Membership, (Membership.company_id == Company.id) & (Membership.user_id == user_id)
            )
            .outerjoin(RolePermission, RolePermission.role_id == Membership.role_id)
            .where(Company.public_id.in_(set(company_public_ids)), Membership.live())
        )
        found: dict[str, tuple[int, set[str]]] = {}
        for company_id, public_id, permission in (await self.session.execute(stmt)).all():
            granted = found.setdefault(public_id, (company_id, set()))[1]
            if permission is not None:
                granted.add(permission)
        return found

    async def has_live_admin(self, company_id: int) -> bool:
        stmt = (
            select(Membership.id)
            .join(RolePermission, RolePermission.role_id == Membership.role_id)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.company_id == company_id,
                RolePermission.permission == Permission.COMPANY_ADMIN.value,
                User.type == PERSON,
                Membership.live(),
            )
            .limit(1)
        )
        return (await self.session.scalar(stmt)) is not None

    def of_company(self, company_id: int) -> Select[Membership]:
        return select(Membership).where(Membership.company_id == company_id)

    async def get(self, company_id: int, public_id: str, *where: Any) -> Membership | None:
        return await self.by_public_id(
            public_id, Membership.company_id == company_id, *where, options=WITH_REFS
        )

    async def many(self, company_id: int, public_ids: Sequence[str]) -> dict[str, Membership]:
        """Memberships of the company by publicId, ready for the rules on changes."""
        if not public_ids:
            return {}
        stmt = (
            self.of_company(company_id)
            .where(Membership.public_id.in_(public_ids))
            .options(*WITH_RULES)
        )
        return {m.public_id: m for m in (await self.session.scalars(stmt)).unique()}

    async def rows_of_users(self, company_id: int, user_ids: Sequence[int]) -> list[Row[Any]]:
        """``of_users`` as Core rows with the references' public ids (`GET /users`)."""
        if not user_ids:
            return []
        stmt = REF_ROWS.where(
            Membership.company_id == company_id, Membership.user_id.in_(set(user_ids))
        ).order_by(Membership.id)
        result = await (await db_session.connection(self.session)).execute(stmt)
        return list(result.all())  # type: ignore[arg-type]  # the labelled columns

    async def of_users(
        self, company_id: int, user_ids: Sequence[int], *, for_rules: bool = False
    ) -> list[Membership]:
        """Every membership (live or expired) of these users in the company: one query (two
        ``for_rules``, with the roles' permissions)."""
        if not user_ids:
            return []
        stmt = (
            self.of_company(company_id)
            .where(Membership.user_id.in_(set(user_ids)))
            .order_by(Membership.id)
            .options(*(WITH_RULES if for_rules else WITH_REFS))
        )
        return list((await self.session.scalars(stmt)).unique())

    async def keys_of(
        self,
        company_id: int,
        user_ids: Sequence[int] = (),
        invite_ids: Sequence[int] = (),
    ) -> list[tuple[int, Key]]:
        """(membership id, key) of every membership these users and invites hold here."""
        holders = []
        if user_ids:
            holders.append(Membership.user_id.in_(set(user_ids)))
        if invite_ids:
            holders.append(Membership.invite_id.in_(set(invite_ids)))
        if not holders:
            return []
        stmt = select(
            Membership.id,
            Membership.user_id,
            Membership.invite_id,
            Membership.group_id,
            Membership.role_id,
        ).where(Membership.company_id == company_id, or_(*holders))
        rows = (await self.session.execute(stmt)).all()
        return [(m, (u, i, g, r)) for m, u, i, g, r in rows]

    async def members(
        self, company_id: int, public_ids: Sequence[str], *where: Any
    ) -> dict[str, User]:
        """The users among ``public_ids`` that hold a membership in the company."""
        if not public_ids:
            return {}
        stmt = select(User).where(
            User.public_id.in_(set(public_ids)), User.id.in_(in_company(company_id)), *where
        )
        return {u.public_id: u for u in await self.session.scalars(stmt)}

    async def groups(self, company_id: int, public_ids: Sequence[str]) -> dict[str, Group]:
        """The company's groups among ``public_ids`` (another company's are not found)."""
        if not public_ids:
            return {}
        stmt = select(Group).where(
            Group.company_id == company_id, Group.public_id.in_(set(public_ids))
        )
        return {g.public_id: g for g in await self.session.scalars(stmt)}

    async def roles(self, company_id: int, public_ids: Sequence[str]) -> dict[str, Role]:
        """The company's roles among ``public_ids``, with their permissions."""
        if not public_ids:
            return {}
        stmt = (
            select(Role)
            .where(Role.company_id == company_id, Role.public_id.in_(set(public_ids)))
            .options(selectinload(Role.permissions))
        )
        return {r.public_id: r for r in await self.session.scalars(stmt)}

    async def company_group_id(self, company_id: int) -> int | None:
        stmt = select(Group.id).where(
            Group.company_id == company_id, Group.is_company_group.is_(True)
        )
        return await self.session.scalar(stmt)

    async def companies_of(
        self, user_id: int, public_ids: Sequence[str] | None = None
    ) -> list[Company]:
        """The companies where the user holds any membership (live or expired)."""
        member = select(Membership.company_id).where(Membership.user_id == user_id)
        stmt = select(Company).where(Company.id.in_(member)).order_by(Company.id)
        if public_ids is not None:
            stmt = stmt.where(Company.public_id.in_(set(public_ids)))
        return list(await self.session.scalars(stmt))

    async def delete_of_user(self, user_id: int, company_ids: Sequence[int]) -> None:
        if company_ids:
            await self.session.execute(
                delete(Membership).where(
                    Membership.user_id == user_id, Membership.company_id.in_(company_ids)
                )
            )
