"""outbox: e-mails waiting to be sent (app/mail)

Revision ID: 821cae7052bb
Revises: 4d1bb0e19823
Create Date: 2026-11-22 21:37:43.747595
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "821cae7052bb"
down_revision: str | None = "4d1bb0e19823"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("sender_address", sa.String(length=254), nullable=False),
        sa.Column("sender_name", sa.String(length=255), nullable=False),
        sa.Column("reply_to", sa.String(length=254), nullable=True),
        sa.Column("subject", sa.String(length=998), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_on", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_on", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("public_id", sa.String(length=12), nullable=False),
        sa.Column("created_on", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('queued', 'sent', 'dead')", name=op.f("ck_outbox_messages_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("public_id", name=op.f("uq_outbox_messages_public_id")),
    )
    op.create_index("ix_outbox_messages_due", "outbox_messages", ["status", "next_attempt_on"])
    op.create_index("ix_outbox_messages_reference", "outbox_messages", ["reference", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_messages_reference", table_name="outbox_messages")
    op.drop_index("ix_outbox_messages_due", table_name="outbox_messages")
    op.drop_table("outbox_messages")
