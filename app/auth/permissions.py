"""The permission vocabulary: one catalogue, each id with what it allows.

IXON does not publish its permission ids (REFERENCE.md §11); these are ours, and
`GET /permissions` is where clients discover them.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Permission(StrEnum):
    COMPANY_ADMIN = "COMPANY_ADMIN"
    MANAGE_USERS = "MANAGE_USERS"
    MANAGE_ROLES = "MANAGE_ROLES"
    MANAGE_GROUPS = "MANAGE_GROUPS"
    MANAGE_SERVICE_ACCOUNTS = "MANAGE_SERVICE_ACCOUNTS"
    VIEW_AUDIT_LOGS = "VIEW_AUDIT_LOGS"
    VIEW_USERS = "VIEW_USERS"
    MANAGE_WEBHOOKS = "MANAGE_WEBHOOKS"


CATALOGUE = frozenset(p.value for p in Permission)

DESCRIPTIONS: dict[Permission, str] = {
    Permission.COMPANY_ADMIN: "Everything in the company: all permissions below, editing and "
    "deleting the company and its branding.",
    Permission.MANAGE_USERS: "Invite people (create, resend, revoke invites), manage memberships "
    "and remove users from the company.",
    Permission.MANAGE_ROLES: "Create, edit and delete roles and their permissions (never granting "
    "more than the caller holds).",
    Permission.MANAGE_GROUPS: "Create, edit and delete groups and group types.",
    Permission.MANAGE_SERVICE_ACCOUNTS: "Create and delete service accounts.",
    Permission.VIEW_AUDIT_LOGS: "Read the company's audit log.",
    Permission.VIEW_USERS: "List the company's users, memberships and invites.",
    Permission.MANAGE_WEBHOOKS: "Add, change and delete the company's webhook endpoints, read "
    "their delivery logs and redeliver events (an extension of ours).",
}

# Holding the key grants the listed permissions too.
IMPLIED: dict[Permission, frozenset[Permission]] = {
    Permission.COMPANY_ADMIN: frozenset(Permission),
    Permission.MANAGE_USERS: frozenset({Permission.VIEW_USERS}),
}

# The roles every new company starts with (names as the product documents use them).
ADMINISTRATOR = "Administrator"
DEFAULT_ROLES: dict[str, tuple[str, frozenset[Permission]]] = {
    ADMINISTRATOR: (
        "Full access to everything in the company.",
        frozenset({Permission.COMPANY_ADMIN}),
    ),
    "Editor": (
        "Manages groups and sees the company's users.",
        frozenset({Permission.MANAGE_GROUPS, Permission.VIEW_USERS}),
    ),
    "Viewer": ("Sees the company's users, groups and roles.", frozenset({Permission.VIEW_USERS})),
    "User": ("Sees the company's groups and roles and edits only their own profile.", frozenset()),
}


def effective(granted: set[str] | frozenset[str]) -> frozenset[Permission]:
    """Permissions granted, with what each one implies."""
    result: set[Permission] = set()
    for raw in granted:
        try:
            permission = Permission(raw)
        except ValueError:
            continue
        result.add(permission)
        result |= IMPLIED.get(permission, frozenset())
    return frozenset(result)


def beyond(held: frozenset[Permission], granted: Iterable[str]) -> list[str]:
    """The permission ceiling: nobody grants what they do not hold. The permissions among
    ``granted`` outside ``held`` (the caller's effective permissions: COMPANY_ADMIN's holder
    holds them all), sorted; an id outside the catalogue grants nothing."""
    return sorted(p for p in granted if p in CATALOGUE and p not in held)
