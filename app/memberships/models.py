from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, BigId, IdMixin, TimestampMixin
from app.groups.models import Group
from app.invites.models import Invite
from app.roles.models import Role
from app.users.models import User


class Membership(IdMixin, TimestampMixin, Base):
    """A role in a group of a company, held by a user (or, while pending, by an invite)."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "group_id", "role_id"),
        UniqueConstraint("invite_id", "group_id", "role_id"),
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
