"""invites: an index of the open invites' expiry, for the expiry sweep

Revision ID: a7e3c91d2f45
Revises: fbb4bb403895
Create Date: 2026-12-01 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7e3c91d2f45"
down_revision: str | None = "fbb4bb403895"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_invites_pending_expires_on",
        "invites",
        ["expires_on"],
        postgresql_where=sa.text("status = 'pending'"),
        sqlite_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index("ix_invites_pending_expires_on", table_name="invites")
