"""invites, brandings, registrations, e-mail changes, link tokens

Revision ID: d535e7b1da0d
Revises: 821cae7052bb
Create Date: 2026-11-22 21:50:38.869323
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d535e7b1da0d"
down_revision: str | None = "821cae7052bb"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "action_tokens",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("expires_on", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_on", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("public_id", sa.String(length=12), nullable=False),
        sa.Column("created_on", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_tokens")),
        sa.UniqueConstraint("public_id", name=op.f("uq_action_tokens_public_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_action_tokens_token_hash")),
    )
    with op.batch_alter_table("action_tokens", schema=None) as batch_op:
        batch_op.create_index(
            "ix_action_tokens_kind_reference", ["kind", "reference"], unique=False
        )

    op.create_table(
        "brandings",
        sa.Column("fqdn", sa.String(length=253), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("portal_url", sa.String(length=255), nullable=False),
        sa.Column("sender_name", sa.String(length=255), nullable=True),
        sa.Column("sender_address", sa.String(length=254), nullable=True),
        sa.Column("theme", sa.JSON(), nullable=True),
        sa.Column("logo", sa.String(length=255), nullable=True),
        sa.Column("logo_dark", sa.String(length=255), nullable=True),
        sa.Column("favicon", sa.String(length=255), nullable=True),
        sa.Column("apple_touch_icon", sa.String(length=255), nullable=True),
        sa.Column("apple_app_store_link", sa.String(length=255), nullable=True),
        sa.Column("google_play_store_link", sa.String(length=255), nullable=True),
        sa.Column("custom", sa.JSON(), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("public_id", sa.String(length=12), nullable=False),
        sa.Column("created_on", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brandings")),
        sa.UniqueConstraint("fqdn", name=op.f("uq_brandings_fqdn")),
        sa.UniqueConstraint("public_id", name=op.f("uq_brandings_public_id")),
    )
    op.create_table(
        "registrations",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("public_id", sa.String(length=24), nullable=False),
        sa.Column("company_name", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("email_address", sa.String(length=254), nullable=False),
        sa.Column("email_normalized", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("localisation", sa.String(length=10), nullable=True),
        sa.Column("time_zone", sa.String(length=255), nullable=True),
        sa.Column("branding", sa.String(length=253), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("expires_on", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_on", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registrations")),
        sa.UniqueConstraint("public_id", name=op.f("uq_registrations_public_id")),
    )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registrations_email_normalized"), ["email_normalized"], unique=False
        )

    op.create_table(
        "email_address_changes",
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("old_email_address", sa.String(length=254), nullable=False),
        sa.Column("new_email_address", sa.String(length=254), nullable=False),
        sa.Column("new_email_normalized", sa.String(length=254), nullable=False),
        sa.Column("branding", sa.String(length=253), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("expires_on", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("public_id", sa.String(length=12), nullable=False),
        sa.Column("created_on", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_email_address_changes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_address_changes")),
        sa.UniqueConstraint("public_id", name=op.f("uq_email_address_changes_public_id")),
    )
    with op.batch_alter_table("email_address_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_email_address_changes_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "invites",
        sa.Column(
            "company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("email_address", sa.String(length=254), nullable=False),
        sa.Column("email_normalized", sa.String(length=254), nullable=False),
        sa.Column("message", sa.String(length=1024), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column(
            "inviter_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("branding", sa.String(length=253), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("expires_on", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_count", sa.Integer(), nullable=False),
        sa.Column("last_sent_on", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_on", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "accepted_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("public_id", sa.String(length=12), nullable=False),
        sa.Column("created_on", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"],
            ["users.id"],
            name=op.f("fk_invites_accepted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_invites_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["inviter_id"],
            ["users.id"],
            name=op.f("fk_invites_inviter_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invites")),
        sa.UniqueConstraint("public_id", name=op.f("uq_invites_public_id")),
    )
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invites_company_id"), ["company_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_invites_email_normalized"), ["email_normalized"], unique=False
        )
        batch_op.create_index(
            "uq_invites_pending_email",
            ["company_id", "email_normalized"],
            unique=True,
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        )

    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "invite_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch_op.create_index(batch_op.f("ix_memberships_invite_id"), ["invite_id"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_memberships_invite_id_group_id_role_id"),
            ["invite_id", "group_id", "role_id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_memberships_invite_id_invites"),
            "invites",
            ["invite_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_check_constraint(
            "user_or_invite", "(user_id IS NULL) <> (invite_id IS NULL)"
        )


def downgrade() -> None:
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_memberships_user_or_invite"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_memberships_invite_id_invites"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("uq_memberships_invite_id_group_id_role_id"), type_="unique"
        )
        batch_op.drop_index(batch_op.f("ix_memberships_invite_id"))
        batch_op.drop_column("invite_id")

    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_invites_pending_email",
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        )
        batch_op.drop_index(batch_op.f("ix_invites_email_normalized"))
        batch_op.drop_index(batch_op.f("ix_invites_company_id"))

    op.drop_table("invites")
    with op.batch_alter_table("email_address_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_email_address_changes_user_id"))

    op.drop_table("email_address_changes")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registrations_email_normalized"))

    op.drop_table("registrations")
    op.drop_table("brandings")
    with op.batch_alter_table("action_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_action_tokens_kind_reference")

    op.drop_table("action_tokens")
