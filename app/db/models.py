"""Imports every model so the metadata is complete (Alembic, tests)."""

from app.access_tokens.models import AccessToken
from app.applications.models import Application
from app.companies.models import Company
from app.db.base import Base
from app.groups.models import Group, GroupType
from app.mail.models import OutboxMessage
from app.memberships.models import Membership
from app.roles.models import Role, RolePermission
from app.users.models import User

__all__ = [
    "AccessToken",
    "Application",
    "Base",
    "Company",
    "Group",
    "GroupType",
    "Membership",
    "OutboxMessage",
    "Role",
    "RolePermission",
    "User",
]
