"""outbox: partial indexes on unfinished rows

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")
UNFINISHED = sa.text("status IN ('pending', 'sending')")


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_due")
        batch.drop_index("ix_outbox_address")
        batch.create_index(
            "ix_outbox_pending",
            ["id"],
            sqlite_where=PENDING,
            postgresql_where=PENDING,
        )
        batch.create_index(
            "ix_outbox_unfinished",
            ["channel", "address", "id"],
            sqlite_where=UNFINISHED,
            postgresql_where=UNFINISHED,
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_unfinished")
        batch.drop_index("ix_outbox_pending")
        batch.create_index("ix_outbox_address", ["channel", "address", "id"])
        batch.create_index("ix_outbox_due", ["status", "next_attempt_at"])
