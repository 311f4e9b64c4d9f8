"""outbox: bodies only while queued (scrubbed once sent, given up or cancelled)

Sent and given-up messages kept their html and text, live links included; this drops them
(the metadata stays) and lets the database refuse a body on any message that is not queued.
A message replaced by a newer one of its reference before it left is `cancelled`.

Revision ID: 5c3e9a1f7b20
Revises: d535e7b1da0d
Create Date: 2026-11-24 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c3e9a1f7b20"
down_revision: str | None = "d535e7b1da0d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BODY_ONLY_WHILE_QUEUED = (
    "(status = 'queued' AND html IS NOT NULL AND text IS NOT NULL)"
    " OR (status <> 'queued' AND html IS NULL AND text IS NULL)"
)


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.alter_column("html", existing_type=sa.Text(), nullable=True)
        batch.alter_column("text", existing_type=sa.Text(), nullable=True)
        batch.drop_constraint(op.f("ck_outbox_messages_status"), type_="check")
    op.execute("UPDATE outbox_messages SET html = NULL, text = NULL WHERE status <> 'queued'")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.create_check_constraint("status", "status IN ('queued', 'sent', 'dead', 'cancelled')")
        batch.create_check_constraint("body", BODY_ONLY_WHILE_QUEUED)


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_constraint(op.f("ck_outbox_messages_body"), type_="check")
        batch.drop_constraint(op.f("ck_outbox_messages_status"), type_="check")
    op.execute("UPDATE outbox_messages SET status = 'dead' WHERE status = 'cancelled'")
    op.execute("UPDATE outbox_messages SET html = '', text = '' WHERE html IS NULL")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.alter_column("html", existing_type=sa.Text(), nullable=False)
        batch.alter_column("text", existing_type=sa.Text(), nullable=False)
        batch.create_check_constraint("status", "status IN ('queued', 'sent', 'dead')")
