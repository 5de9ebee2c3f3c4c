"""reports: daily activity counts, erased people (and their workshop answers) as anonymous
counts, misunderstood messages to review, daily digests sent

Revision ID: 0009
Revises: 0003
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base

revision: str = "0009"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DT = bot.db.base.UtcDateTime(timezone=True)


def _counts(*names: str) -> list[sa.Column[int]]:
    return [sa.Column(name, sa.Integer(), nullable=False) for name in names]


def upgrade() -> None:
    op.create_table(
        "activity_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        *_counts("messages_in", "messages_out", "not_understood", "low_confidence", "handovers"),
        *_counts("modules_done", "steps_done", "rsvp_yes"),
        sa.PrimaryKeyConstraint("day", "channel", "lang", name=op.f("pk_activity_daily")),
    )
    op.create_table(
        "erased_people",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        *_counts("people", "consented"),
        sa.PrimaryKeyConstraint("day", "channel", "lang", name=op.f("pk_erased_people")),
    )
    op.create_table(
        "erased_attendance",
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        *_counts("coming", "attended"),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshops.id"],
            name=op.f("fk_erased_attendance_workshop_id_workshops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workshop_id", name=op.f("pk_erased_attendance")),
    )
    op.create_table(
        "misunderstood",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("guess", sa.String(length=32), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("review", sa.String(length=32), nullable=True),
        sa.Column("reviewed_by", sa.String(length=254), nullable=True),
        sa.Column("reviewed_at", UTC_DT, nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_misunderstood_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_misunderstood")),
    )
    op.create_index(
        op.f("ix_misunderstood_contact_id"), "misunderstood", ["contact_id"], unique=False
    )
    op.create_index("ix_misunderstood_review_id", "misunderstood", ["review", "id"], unique=False)
    op.create_table(
        "digests_sent",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sent_at", UTC_DT, nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_digests_sent")),
    )


def downgrade() -> None:
    op.drop_table("digests_sent")
    op.drop_index("ix_misunderstood_review_id", table_name="misunderstood")
    op.drop_index(op.f("ix_misunderstood_contact_id"), table_name="misunderstood")
    op.drop_table("misunderstood")
    op.drop_table("erased_attendance")
    op.drop_table("erased_people")
    op.drop_table("activity_daily")
