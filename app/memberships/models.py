from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    UniqueConstraint,
    or_,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.db.base import Base, BigId, IdMixin, TimestampMixin
from app.groups.models import Group
from app.invites.models import Invite
from app.roles.models import Role
from app.users.models import User

# What a clash on each unique index means (app/db/conflicts.py).
USER_HOLDS = "The user holds this role in this group already"
INVITE_HOLDS = "The invite grants this role in this group already"
USER_HOLDS_NO_ROLE = "The user holds a membership without a role in this group already"
INVITE_HOLDS_NO_ROLE = "The invite grants a membership without a role in this group already"


class Membership(IdMixin, TimestampMixin, Base):
    """A role in a group of a company, held by a user (or, while pending, by an invite)."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "group_id", "role_id", info={"conflict": (USER_HOLDS, None)}),
        UniqueConstraint(
            "invite_id", "group_id", "role_id", info={"conflict": (INVITE_HOLDS, None)}
        ),
        # SQL sees no duplicate where role_id is NULL (NULLs are distinct), so a membership
        # without a role is unique per holder and group through an index of its own. Partial
        # indexes rather than PostgreSQL 15's NULLS NOT DISTINCT: the same on both databases,
        # and user_id / invite_id, NULL on the other kind of holder, must stay distinct.
        Index(
            "uq_memberships_user_group_no_role",
            "user_id",
            "group_id",
            unique=True,
            postgresql_where=text("role_id IS NULL"),
            sqlite_where=text("role_id IS NULL"),
            info={"conflict": (USER_HOLDS_NO_ROLE, None)},
        ),
        Index(
            "uq_memberships_invite_group_no_role",
            "invite_id",
            "group_id",
            unique=True,
            postgresql_where=text("role_id IS NULL"),
            sqlite_where=text("role_id IS NULL"),
            info={"conflict": (INVITE_HOLDS_NO_ROLE, None)},
        ),
        # Held by exactly one of a user and a (pending) invite.
        CheckConstraint("(user_id IS NULL) <> (invite_id IS NULL)", name="user_or_invite"),
    )

    # Denormalised so every tenant-scoped query filters on one indexed column.
    company_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    invite_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("invites.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("groups.id", ondelete="CASCADE"), index=True
    )
    role_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("roles.id"), index=True)
    expires_on: Mapped[datetime | None]

    user: Mapped[User | None] = relationship(lazy="raise")
    invite: Mapped[Invite | None] = relationship(lazy="raise")
    group: Mapped[Group] = relationship(lazy="raise")
    role: Mapped[Role | None] = relationship(lazy="raise")

    @classmethod
    def live(cls, now: datetime | ColumnElement[datetime] | None = None) -> ColumnElement[bool]:
        """The one test of a membership that counts: it has not expired (expired ones grant
        nothing). ``now`` may be a bound parameter, for a statement built once and cached."""
        return or_(cls.expires_on.is_(None), cls.expires_on > (utcnow() if now is None else now))
