from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, BigId, IdMixin, TimestampMixin


class GroupType(IdMixin, TimestampMixin, Base):
    __tablename__ = "group_types"

    company_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(String(255))
    order: Mapped[int] = mapped_column(default=0)
    color: Mapped[str | None] = mapped_column(String(7))
    custom: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


# One group-type name per company whatever its case, held by the database (as for roles).
Index(
    "uq_group_types_company_name",
    GroupType.company_id,
    func.lower(GroupType.name),
    unique=True,
    info={"conflict": ("A group type with this name exists already in this company", "name")},
)


class Group(IdMixin, TimestampMixin, Base):
    __tablename__ = "groups"
    __table_args__ = (
        # Exactly one company group per company, held by the database, not by Python.
        Index(
            "uq_groups_company_group",
            "company_id",
            unique=True,
            postgresql_where=text("is_company_group"),
            sqlite_where=text("is_company_group"),
        ),
    )

    company_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(255))
    type_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("group_types.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("groups.id"), index=True)
    is_company_group: Mapped[bool] = mapped_column(default=False)
    custom: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    type: Mapped[GroupType | None] = relationship(lazy="raise")
    parent: Mapped[Group | None] = relationship(remote_side="Group.id", lazy="raise")
