"""Which tables the audit log records, under which ``target`` name, and how each row finds
its company: its own ``company_id``, itself (a company), or the user it belongs to (the
request's company, else every company the user is a member of)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

Scope = Literal["company", "self", "user", "none"]

# Never written to the log: internal keys, and secrets or hashes of secrets.
HIDDEN = frozenset(
    {
        "id",
        "company_id",
        "password_hash",
        "secret_hash",
        "token_hash",
        "secret_encrypted",
        "email_normalized",
        "new_email_normalized",
    }
)
# Secrets whose change is worth telling, without the value: shown as this key, "(hidden)".
MARKED = {"password_hash": "password", "secret_encrypted": "secret"}
# Bookkeeping that reads make (last use, last step): a change of only these is no event.
NOISE = frozenset({"last_used_on", "last_seen_on", "last_used_step"})


# Tables whose writes are not events of their own (tests/audit/test_registry.py holds every
# other table to be listed in ``by_table``, so a new model cannot escape the log unnoticed).
NOT_AUDITED = {
    "audit_events": "the log itself",
    "outbox_messages": "e-mail bodies waiting to be sent; the change that queued one is logged",
    "role_permissions": "shown as the `permissions` of the role's own event",
    "idempotency_keys": "stored answers of requests whose writes are logged themselves",
    "webhook_events": "announcements of changes that are logged themselves",
}


@dataclass(frozen=True, slots=True)
class Audited:
    target: str
    scope: Scope
    user_column: str | None = None  # the column naming the user the event is about
    # Relationship collections shown as lists (a role's permissions).
    collections: dict[str, Callable[[Any], Any]] = field(default_factory=dict)


@cache
def by_table() -> dict[str, Audited]:
    return {
        "companies": Audited("Company", "self"),
        "roles": Audited("Role", "company", collections={"permissions": _permission}),
        "group_types": Audited("GroupType", "company"),
        "groups": Audited("Group", "company"),
        "memberships": Audited("UserMembership", "company", "user_id"),
        "invites": Audited("Invite", "company"),
        "users": Audited("User", "user", "id"),
        "access_tokens": Audited("AccessToken", "user", "user_id"),
        "email_address_changes": Audited("EmailAddressChange", "user", "user_id"),
        "otp_auths": Audited("OtpAuth", "user", "user_id"),
        "applications": Audited("ApiApplication", "user", "owner_user_id"),
        "brandings": Audited("Branding", "none"),
        "registrations": Audited("Registration", "none"),
        # E-mail links (invite, registration, password reset, address change): asked for,
        # used up or withdrawn. ``reference`` names the object the link is for.
        "action_tokens": Audited("EmailLink", "none"),
        "webhook_endpoints": Audited("WebhookEndpoint", "company"),
        # Redeliveries asked for; the deliveries of new events are written outside the session
        # (app/webhooks/queue.py), being announcements of changes logged themselves.
        "webhook_deliveries": Audited("WebhookDelivery", "company"),
    }


def _permission(row: Any) -> str:
    return str(row.permission)
