"""journeys: workshops, progress, schedule, handover context

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:31:43.627704
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import bot.db.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "eligibility_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column(
            "answers",
            sa.JSON(none_as_null=True).with_variant(
                postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), "postgresql"
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eligibility_figures")),
    )
    with op.batch_alter_table("eligibility_figures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_eligibility_figures_decided_on"), ["decided_on"], unique=False
        )

    op.create_table(
        "workshops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "titles",
            sa.JSON(none_as_null=True).with_variant(
                postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), "postgresql"
            ),
            nullable=False,
        ),
        sa.Column("starts_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column(
            "langs",
            sa.JSON(none_as_null=True).with_variant(
                postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), "postgresql"
            ),
            nullable=False,
        ),
        sa.Column("cancelled_at", bot.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshops")),
    )
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workshops_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "checklist_progress",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("updated_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_checklist_progress_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", "step_id", name=op.f("pk_checklist_progress")),
    )
    op.create_table(
        "contact_preferences",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("weekly_nudges", sa.Boolean(), nullable=False),
        sa.Column("updated_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_contact_preferences_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_contact_preferences")),
    )
    op.create_table(
        "eligibility_results",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column(
            "answers",
            sa.JSON(none_as_null=True).with_variant(
                postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), "postgresql"
            ),
            nullable=False,
        ),
        sa.Column("decided_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_eligibility_results_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_eligibility_results")),
    )
    op.create_table(
        "module_progress",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("done_at", bot.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("quiz_answer", sa.String(length=64), nullable=True),
        sa.Column("quiz_right", sa.Boolean(), nullable=True),
        sa.Column("updated_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_module_progress_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", "module_id", name=op.f("pk_module_progress")),
    )
    op.create_table(
        "scheduled_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("workshop_id", sa.Integer(), nullable=True),
        sa.Column("due_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.String(length=64), nullable=True),
        sa.Column("created_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("done_at", bot.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_scheduled_jobs_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshops.id"],
            name=op.f("fk_scheduled_jobs_workshop_id_workshops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_jobs")),
        sa.UniqueConstraint("key", name=op.f("uq_scheduled_jobs_key")),
    )
    with op.batch_alter_table("scheduled_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scheduled_jobs_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(
            "ix_scheduled_jobs_due",
            ["due_at"],
            unique=False,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )
        batch_op.create_index(
            batch_op.f("ix_scheduled_jobs_workshop_id"), ["workshop_id"], unique=False
        )
        batch_op.create_index(
            "ix_scheduled_jobs_running",
            ["id"],
            unique=False,
            sqlite_where=sa.text("status = 'running'"),
            postgresql_where=sa.text("status = 'running'"),
        )

    op.create_table(
        "workshop_rsvps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=8), nullable=False),
        sa.Column("answered_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_workshop_rsvps_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshops.id"],
            name=op.f("fk_workshop_rsvps_workshop_id_workshops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_rsvps")),
        sa.UniqueConstraint(
            "workshop_id", "contact_id", name=op.f("uq_workshop_rsvps_workshop_id")
        ),
    )
    with op.batch_alter_table("workshop_rsvps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workshop_rsvps_contact_id"), ["contact_id"], unique=False
        )

    op.create_table(
        "handover_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=254), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("created_at", bot.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox.id"],
            name=op.f("fk_handover_replies_outbox_id_outbox"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["handover_tickets.id"],
            name=op.f("fk_handover_replies_ticket_id_handover_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_replies")),
    )
    with op.batch_alter_table("handover_replies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_handover_replies_ticket_id"), ["ticket_id"], unique=False
        )

    with op.batch_alter_table("handover_tickets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "context",
                sa.JSON(none_as_null=True).with_variant(
                    postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), "postgresql"
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("assigned_to", sa.String(length=254), nullable=True))
        batch_op.add_column(
            sa.Column("answered_at", bot.db.base.UtcDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:

    with op.batch_alter_table("handover_tickets", schema=None) as batch_op:
        batch_op.drop_column("answered_at")
        batch_op.drop_column("assigned_to")
        batch_op.drop_column("context")

    with op.batch_alter_table("handover_replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handover_replies_ticket_id"))

    op.drop_table("handover_replies")
    with op.batch_alter_table("workshop_rsvps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshop_rsvps_contact_id"))

    op.drop_table("workshop_rsvps")
    with op.batch_alter_table("scheduled_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_scheduled_jobs_running")
        batch_op.drop_index(batch_op.f("ix_scheduled_jobs_workshop_id"))
        batch_op.drop_index(
            "ix_scheduled_jobs_due",
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )
        batch_op.drop_index(batch_op.f("ix_scheduled_jobs_contact_id"))

    op.drop_table("scheduled_jobs")
    op.drop_table("module_progress")
    op.drop_table("eligibility_results")
    op.drop_table("contact_preferences")
    op.drop_table("checklist_progress")
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshops_starts_at"))

    op.drop_table("workshops")
    with op.batch_alter_table("eligibility_figures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_eligibility_figures_decided_on"))

    op.drop_table("eligibility_figures")
