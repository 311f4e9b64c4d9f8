from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, BigId, IdMixin, TimestampMixin


class Role(IdMixin, TimestampMixin, Base):
    __tablename__ = "roles"

    company_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(String(255))
    enforce2fa: Mapped[bool] = mapped_column(default=False)
    enforce_sso: Mapped[bool] = mapped_column(default=False)
    custom: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    permissions: Mapped[list[RolePermission]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="RolePermission.permission"
    )

    @property
    def permission_ids(self) -> list[str]:
        return [p.permission for p in self.permissions]


# One name per company whatever its case, held by the database: two requests racing past the
# service's friendlier check cannot both create "Editor" (names are stored trimmed).
Index(
    "uq_roles_company_name",
    Role.company_id,
    func.lower(Role.name),
    unique=True,
    info={"conflict": ("A role with this name exists already in this company", "name")},
)


class RolePermission(Base):
    __tablename__ = "role_permissions"

    role_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True
    )
    permission: Mapped[str] = mapped_column(String(64), primary_key=True)
