"""two-factor authentication (otp_auths) and the audit log (audit_events)

Revision ID: 26645ae1c27d
Revises: aba500a8c0b4
Create Date: 2026-12-01 09:59:03.119558
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "26645ae1c27d"
down_revision: str | None = "aba500a8c0b4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("public_id", sa.String(length=24), nullable=False),
        sa.Column("company", sa.String(length=24), nullable=True),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("topic_user", sa.String(length=12), nullable=True),
        sa.Column("ip_address", sa.String(length=255), nullable=False),
        sa.Column("actor_type", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.String(length=24), nullable=False),
        sa.Column("actor_name", sa.String(length=255), nullable=False),
        sa.Column("actor_kind", sa.String(length=255), nullable=False),
        sa.Column("application_name", sa.String(length=255), nullable=True),
        sa.Column("target", sa.String(length=255), nullable=False),
        sa.Column("target_id", sa.String(length=24), nullable=True),
        sa.Column("before", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("after", sa.JSON(none_as_null=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("public_id", name=op.f("uq_audit_events_public_id")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_company_id", ["company", "id"], unique=False)
        batch_op.create_index("ix_audit_events_time", ["time"], unique=False)

    op.create_table(
        "otp_auths",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("secret_encrypted", sa.String(length=255), nullable=False),
        sa.Column("device_name", sa.String(length=255), nullable=True),
        sa.Column("verified_on", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_step", sa.BigInteger(), nullable=True),
        sa.Column("created_on", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_otp_auths_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_otp_auths")),
        sa.UniqueConstraint("user_id", name=op.f("uq_otp_auths_user_id")),
    )


def downgrade() -> None:
    op.drop_table("otp_auths")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_time")
        batch_op.drop_index("ix_audit_events_company_id")

    op.drop_table("audit_events")
