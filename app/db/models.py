"""Imports every model so the metadata is complete (Alembic, tests)."""

from app.access_tokens.models import AccessToken
from app.action_tokens.models import ActionToken
from app.applications.models import Application
from app.audit.models import AuditEvent
from app.brandings.models import Branding
from app.companies.models import Company
from app.db.base import Base
from app.email_changes.models import EmailAddressChange
from app.groups.models import Group, GroupType
from app.idempotency.models import IdempotencyKey
from app.invites.models import Invite
from app.mail.models import OutboxMessage
from app.memberships.models import Membership
from app.otp_auth.models import OtpAuth
from app.registrations.models import Registration
from app.roles.models import Role, RolePermission
from app.users.models import User
from app.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "AccessToken",
    "ActionToken",
    "Application",
    "AuditEvent",
    "Base",
    "Branding",
    "Company",
    "EmailAddressChange",
    "Group",
    "GroupType",
    "IdempotencyKey",
    "Invite",
    "Membership",
    "OtpAuth",
    "OutboxMessage",
    "Registration",
    "Role",
    "RolePermission",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
