"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 02:56:42.673806
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import bot.db.base

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "admin_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_users")),
        sa.UniqueConstraint("email", name=op.f("uq_admin_users_email")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=True),
        sa.Column("consent_at", bot.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "fields",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "session",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contacts_last_seen_at"), ["last_seen_at"], unique=False
        )

    op.create_table(
        "content_texts",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("updated_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", "lang", name=op.f("pk_content_texts")),
    )
    op.create_table(
        "flow_definitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flow_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("created_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_definitions")),
        sa.UniqueConstraint("flow_id", "version", name=op.f("uq_flow_definitions_flow_id")),
    )
    op.create_table(
        "processed_inbound",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("processed_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "external_id", name=op.f("pk_processed_inbound")),
    )
    with op.batch_alter_table("processed_inbound", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_processed_inbound_processed_at"), ["processed_at"], unique=False
        )

    op.create_table(
        "channel_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("last_inbound_at", bot.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("unreachable", sa.Boolean(), nullable=False),
        sa.Column("created_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_channel_identities_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_identities")),
        sa.UniqueConstraint("channel", "address", name=op.f("uq_channel_identities_channel")),
    )
    with op.batch_alter_table("channel_identities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_channel_identities_contact_id"), ["contact_id"], unique=False
        )

    op.create_table(
        "handover_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", bot.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_handover_tickets_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_tickets")),
    )
    with op.batch_alter_table("handover_tickets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_handover_tickets_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_handover_tickets_status"), ["status"], unique=False)

    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("intent", sa.String(length=32), nullable=True),
        sa.Column(
            "attachments",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_messages_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index("ix_messages_contact_id_id", ["contact_id", "id"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", bot.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("provider_status", sa.String(length=16), nullable=True),
        sa.Column("provider_id", sa.String(length=64), nullable=True),
        sa.Column("dedupe_key", sa.String(length=128), nullable=True),
        sa.Column("created_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", bot.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_outbox_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_address", ["channel", "address", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index("ix_outbox_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "sales",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("coop", sa.String(length=32), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("source_message_id", sa.String(length=96), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("created_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_sales_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["corrects_id"], ["sales.id"], name=op.f("fk_sales_corrects_id_sales")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales")),
        sa.UniqueConstraint("source_message_id", name=op.f("uq_sales_source_message_id")),
    )
    with op.batch_alter_table("sales", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_business_date"), ["business_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_sales_contact_id"), ["contact_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("sales", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_contact_id"))
        batch_op.drop_index(batch_op.f("ix_sales_business_date"))

    op.drop_table("sales")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_provider_id"))
        batch_op.drop_index("ix_outbox_due")
        batch_op.drop_index(batch_op.f("ix_outbox_contact_id"))
        batch_op.drop_index("ix_outbox_address")

    op.drop_table("outbox")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_contact_id_id")

    op.drop_table("messages")
    with op.batch_alter_table("handover_tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handover_tickets_status"))
        batch_op.drop_index(batch_op.f("ix_handover_tickets_contact_id"))

    op.drop_table("handover_tickets")
    with op.batch_alter_table("channel_identities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_channel_identities_contact_id"))

    op.drop_table("channel_identities")
    with op.batch_alter_table("processed_inbound", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_inbound_processed_at"))

    op.drop_table("processed_inbound")
    op.drop_table("flow_definitions")
    op.drop_table("content_texts")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_last_seen_at"))

    op.drop_table("contacts")
    op.drop_table("audit_log")
    op.drop_table("admin_users")
