from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from app.access_tokens.models import AccessToken
from app.applications.models import Application
from app.auth.permissions import Permission
from app.companies.models import Company
from app.core.errors import Forbidden
from app.users.models import User


class CompanyScoped(Protocol):
    """A caller in a company: the full `AuthContext`, or the read path's `Caller`
    (app/auth/reader.py)."""

    @property
    def company_id(self) -> int: ...


@dataclass(slots=True)
class AuthContext:
    """Who is calling: the user, the token and application used and, for company-scoped
    operations, the company of `Api-Company` with the caller's effective permissions there."""

    user: User
    token: AccessToken
    application: Application
    company: Company | None = None
    permissions: frozenset[Permission] = frozenset()

    @property
    def company_id(self) -> int:
        return self.company_or_raise.id

    @property
    def company_or_raise(self) -> Company:
        assert self.company is not None, "company-scoped service called without Api-Company"
        return self.company

    def has(self, permission: Permission) -> bool:
        return permission in self.permissions

    def assert_permission(self, *permissions: Permission) -> None:
        """Services call this; any one of ``permissions`` is enough."""
        if not any(p in self.permissions for p in permissions):
            names = " or ".join(p.value for p in permissions)
            raise Forbidden(f"This requires the {names} permission in this company")
