"""Memberships: a role in a group of a company. What a user may do in a company is the union of
the permissions of the roles of their live memberships there.

Rules every change follows:

- the user must already belong to the company (hold a membership there, live or expired);
  people join through invites, service accounts when they are created;
- one membership per user, group and role, also without a role (unique indexes guard races; the
  check here gives the message naming the item);
- a caller without COMPANY_ADMIN cannot grant a role with permissions they do not hold, nor
  change or remove a membership whose role has such permissions (403);
- the company keeps a person holding COMPANY_ADMIN through a live membership (409), however
  many requests try to remove administrators at once: each such change locks the company
  first (``lock_companies``), then reads, writes and checks;
- a service account keeps at least one membership in its company (delete the service account
  instead).

This module is the domain's face: other code imports these names from here. The work is done
in `access` (membership and permissions in a company, for authentication and other domains),
`rules` (the rules above), `refs` (a request's groups and roles), `queries` (reading),
`creation`, `updates`, `removal` and `replacement` (a user's whole set).
"""

from __future__ import annotations

from app.memberships.access import (
    add_to_company_group,
    companies_access,
    companies_of,
    company_access,
    members,
    of_users,
    rows_of_users,
)
from app.memberships.creation import create_many
from app.memberships.queries import FILTERS, get_membership, list_memberships
from app.memberships.removal import assert_may_remove, delete, leave_companies, remove_users
from app.memberships.replacement import replace_for_user
from app.memberships.rules import assert_admin_remains, has_admin, lock_companies, with_admin
from app.memberships.updates import update

__all__ = [
    "FILTERS",
    "add_to_company_group",
    "assert_admin_remains",
    "assert_may_remove",
    "companies_access",
    "companies_of",
    "company_access",
    "create_many",
    "delete",
    "get_membership",
    "has_admin",
    "leave_companies",
    "list_memberships",
    "lock_companies",
    "members",
    "of_users",
    "remove_users",
    "replace_for_user",
    "rows_of_users",
    "update",
    "with_admin",
]
