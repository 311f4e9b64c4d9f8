"""unique role and group-type names per company (any case), unique role-less memberships

The service checked these in Python, which two requests at once could both pass. Now indexes
hold them:

- ``uq_roles_company_name`` and ``uq_group_types_company_name`` on (company_id, lower(name)).
  Existing duplicates stop the upgrade with a list of them: merging two roles (or types) would
  change who may do what, and renaming one is the administrator's choice, not ours. Rename or
  delete all but one of each listed name, then migrate again. (A fresh install has none: the
  API has refused duplicates all along, except under a race.)
- ``uq_memberships_user_group_no_role`` / ``..._invite_group_no_role``: one membership without
  a role per holder and group (partial indexes: NULL role ids never collide in a plain unique
  constraint). Existing duplicates are true duplicates, so they are merged: the one that lasts
  longest (no expiry first) is kept, the others deleted.

Revision ID: 5c1f0e7a9b42
Revises: 26645ae1c27d
Create Date: 2026-12-01 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from alembic.util import CommandError

revision: str = "5c1f0e7a9b42"
down_revision: str | None = "26645ae1c27d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAMED = (
    ("roles", "uq_roles_company_name", "role"),
    ("group_types", "uq_group_types_company_name", "group type"),
)
NO_ROLE = (
    ("user_id", "uq_memberships_user_group_no_role"),
    ("invite_id", "uq_memberships_invite_group_no_role"),
)
WHERE = "role_id IS NULL"


def _duplicate_names(table: str) -> list[tuple[str, str]]:
    """(company publicId, name) of every name that another row of the company has too."""
    rows = op.get_bind().execute(
        sa.text(
            f"SELECT c.public_id, t.name FROM {table} t JOIN companies c ON c.id = t.company_id "  # noqa: S608
            f"WHERE EXISTS (SELECT 1 FROM {table} o WHERE o.company_id = t.company_id "
            "AND lower(o.name) = lower(t.name) AND o.id <> t.id) "
            "ORDER BY c.public_id, lower(t.name), t.name"
        )
    )
    return [(company, name) for company, name in rows]


def _refuse_duplicate_names() -> None:
    problems = []
    for table, _, what in NAMED:
        for company, name in _duplicate_names(table):
            problems.append(f"  company {company}: {what} {name!r}")
    if problems:
        raise CommandError(
            "Role and group-type names must now be unique per company whatever their case, "
            "and these are not:\n"
            + "\n".join(problems)
            + "\nRename or delete all but one of each (PATCH /roles/{id}, PATCH "
            "/group-types/{id}), then run `ixon-api migrate` again. Nothing has been changed."
        )


def _merge_roleless_memberships(holder: str) -> None:
    """Deletes a role-less membership when the same holder has another one in the same group
    that lasts at least as long (no expiry beats any; ties keep the oldest row)."""
    op.execute(
        f"DELETE FROM memberships WHERE role_id IS NULL AND {holder} IS NOT NULL AND EXISTS ("  # noqa: S608
        f"SELECT 1 FROM memberships k WHERE k.role_id IS NULL AND k.{holder} = memberships.{holder}"
        " AND k.group_id = memberships.group_id AND k.id <> memberships.id AND ("
        "(k.expires_on IS NULL AND memberships.expires_on IS NOT NULL)"
        " OR (k.expires_on > memberships.expires_on)"
        " OR ((k.expires_on IS NULL AND memberships.expires_on IS NULL"
        " OR k.expires_on = memberships.expires_on) AND k.id < memberships.id)))"
    )


def upgrade() -> None:
    _refuse_duplicate_names()
    for table, name, _ in NAMED:
        op.create_index(name, table, ["company_id", sa.literal_column("lower(name)")], unique=True)
    for holder, name in NO_ROLE:
        _merge_roleless_memberships(holder)
        op.create_index(
            name,
            "memberships",
            [holder, "group_id"],
            unique=True,
            postgresql_where=sa.text(WHERE),
            sqlite_where=sa.text(WHERE),
        )


def downgrade() -> None:
    for _, name in reversed(NO_ROLE):
        op.drop_index(name, table_name="memberships")
    for table, name, _ in reversed(NAMED):
        op.drop_index(name, table_name=table)
