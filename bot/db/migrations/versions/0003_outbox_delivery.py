"""outbox: priority, claims by sender with renewed leases, parts sent, rows for erased
contacts; the rate limits senders share

Revision ID: 0003
Revises: 0006
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base

revision: str = "0003"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")
UNFINISHED = sa.text("status IN ('pending', 'sending')")
SENDING = sa.text("status = 'sending'")


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("priority", sa.SmallInteger(), server_default=sa.text("0"), nullable=False)
        )
        batch.add_column(sa.Column("claimed_by", sa.String(length=32), nullable=True))
        batch.add_column(
            sa.Column("parts_sent", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch.add_column(
            sa.Column("inbound_at", bot.db.base.UtcDateTime(timezone=True), nullable=True)
        )
        batch.add_column(
            sa.Column("transient", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.drop_index("ix_outbox_pending")
        batch.drop_index("ix_outbox_unfinished")
        batch.create_index(
            "ix_outbox_pending", ["priority", "id"], sqlite_where=PENDING, postgresql_where=PENDING
        )
        batch.create_index(
            "ix_outbox_unfinished",
            ["channel", "address", "priority", "id"],
            sqlite_where=UNFINISHED,
            postgresql_where=UNFINISHED,
        )
        batch.create_index(
            "ix_outbox_sending", ["claimed_until"], sqlite_where=SENDING, postgresql_where=SENDING
        )
        batch.create_index("ix_outbox_created_at", ["created_at"])
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("tat", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limits")),
    )


def downgrade() -> None:
    op.drop_table("rate_limits")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_created_at")
        batch.drop_index("ix_outbox_sending")
        batch.drop_index("ix_outbox_unfinished")
        batch.drop_index("ix_outbox_pending")
        batch.create_index(
            "ix_outbox_pending", ["id"], sqlite_where=PENDING, postgresql_where=PENDING
        )
        batch.create_index(
            "ix_outbox_unfinished",
            ["channel", "address", "id"],
            sqlite_where=UNFINISHED,
            postgresql_where=UNFINISHED,
        )
        for column in ("transient", "inbound_at", "parts_sent", "claimed_by", "priority"):
            batch.drop_column(column)
