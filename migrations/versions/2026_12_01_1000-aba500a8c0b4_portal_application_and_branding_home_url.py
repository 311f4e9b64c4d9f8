"""the account portal: its own application (system_key), a branding's own home URL

Revision ID: aba500a8c0b4
Revises: 5c3e9a1f7b20
Create Date: 2026-12-01 10:00:59.066756
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "aba500a8c0b4"
down_revision: str | None = "5c3e9a1f7b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("system_key", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_applications_system_key"), ["system_key"])

    with op.batch_alter_table("brandings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("home_url", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("brandings", schema=None) as batch_op:
        batch_op.drop_column("home_url")

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_applications_system_key"), type_="unique")
        batch_op.drop_column("system_key")
