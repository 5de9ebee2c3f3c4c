"""the sales ledger: coops, products, members; hash-chained sales rows and chain heads

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

The old `sales` table had no writer; it is replaced (and must be empty: a ledger row is
never dropped silently).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import bot.db.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")
UTC = bot.db.base.UtcDateTime(timezone=True)


def _refuse_rows() -> None:
    if op.get_bind().execute(sa.text("SELECT count(*) FROM sales")).scalar_one():
        raise RuntimeError("the sales table holds rows: move them to the ledger by hand first")


def upgrade() -> None:
    _refuse_rows()
    op.create_table(
        "coops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("analytic_code", sa.String(length=32), nullable=False),
        sa.Column("invite_code", sa.String(length=16), nullable=False),
        sa.Column("max_sale_cents", sa.BigInteger(), nullable=False),
        sa.Column("default_vat_bp", sa.Integer(), nullable=False),
        sa.Column("reminder_at", sa.Time(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint("kind IN ('culinary', 'textile')", name=op.f("ck_coops_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coops")),
        sa.UniqueConstraint("analytic_code", name=op.f("uq_coops_analytic_code")),
        sa.UniqueConstraint("invite_code", name=op.f("uq_coops_invite_code")),
        sa.UniqueConstraint("name", name=op.f("uq_coops_name")),
    )
    op.create_table(
        "coop_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coop_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("reminders", sa.Boolean(), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("joined_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_coop_members_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["coop_id"], ["coops.id"], name=op.f("fk_coop_members_coop_id_coops")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coop_members")),
        sa.UniqueConstraint("coop_id", "contact_id", name=op.f("uq_coop_members_coop_id")),
    )
    op.create_index(
        op.f("ix_coop_members_contact_id"), "coop_members", ["contact_id"], unique=False
    )
    op.create_table(
        "coop_products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coop_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("aliases", JSON, nullable=False),
        sa.Column("default_price_cents", sa.BigInteger(), nullable=False),
        sa.Column("vat_rate_bp", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"], ["coops.id"], name=op.f("fk_coop_products_coop_id_coops")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coop_products")),
        sa.UniqueConstraint("coop_id", "name", name=op.f("uq_coop_products_coop_id")),
    )
    op.create_table(
        "ledger_heads",
        sa.Column("coop_id", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=True),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("closed_through", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["coop_id"], ["coops.id"], name=op.f("fk_ledger_heads_coop_id_coops")
        ),
        sa.PrimaryKeyConstraint("coop_id", name=op.f("pk_ledger_heads")),
    )

    op.drop_index("ix_sales_business_date", table_name="sales")
    op.drop_index("ix_sales_contact_id", table_name="sales")
    op.drop_table("sales")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.schema.CreateSequence(sa.Sequence("sales_id_seq")))
    op.create_table(
        "sales",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coop_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("product", sa.String(length=80), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("vat_rate_bp", sa.Integer(), nullable=False),
        sa.Column("payment", sa.String(length=8), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("corrects_date", sa.Date(), nullable=True),
        sa.Column("source_message_id", sa.String(length=96), nullable=True),
        sa.Column("recorded_by", sa.String(length=96), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("sealed_cents", sa.BigInteger(), nullable=True),
        sa.Column("sealed_rows", sa.Integer(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "kind IN ('sale', 'reversal', 'replacement', 'closing')", name=op.f("ck_sales_kind")
        ),
        sa.CheckConstraint(
            "payment IN ('cash', 'card', 'transfer', '')", name=op.f("ck_sales_payment")
        ),
        sa.ForeignKeyConstraint(["coop_id"], ["coops.id"], name=op.f("fk_sales_coop_id_coops")),
        sa.ForeignKeyConstraint(
            ["corrects_id"], ["sales.id"], name=op.f("fk_sales_corrects_id_sales")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["coop_members.id"], name=op.f("fk_sales_member_id_coop_members")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["coop_products.id"], name=op.f("fk_sales_product_id_coop_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales")),
        sa.UniqueConstraint("coop_id", "seq", name=op.f("uq_sales_coop_id")),
        sa.UniqueConstraint("source_message_id", name=op.f("uq_sales_source_message_id")),
    )
    op.create_index(
        "ix_sales_totals",
        "sales",
        [
            "coop_id",
            "business_date",
            "kind",
            "member_id",
            "product",
            "payment",
            "vat_rate_bp",
            "quantity",
            "amount_cents",
        ],
        unique=False,
    )
    op.create_index(
        "ix_sales_member_id_business_date", "sales", ["member_id", "business_date"], unique=False
    )
    op.create_index(op.f("ix_sales_corrects_id"), "sales", ["corrects_id"], unique=False)
    op.create_table(
        "sales_day_totals",
        sa.Column("coop_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=8), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("cents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"], ["coops.id"], name=op.f("fk_sales_day_totals_coop_id_coops")
        ),
        sa.PrimaryKeyConstraint(
            "coop_id", "dimension", "business_date", "key", name=op.f("pk_sales_day_totals")
        ),
    )


def downgrade() -> None:
    _refuse_rows()
    op.drop_table("sales_day_totals")
    op.drop_table("sales")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.schema.DropSequence(sa.Sequence("sales_id_seq")))
    op.create_table(
        "sales",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("coop", sa.String(length=32), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("source_message_id", sa.String(length=96), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
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
    op.create_index("ix_sales_business_date", "sales", ["business_date"], unique=False)
    op.create_index("ix_sales_contact_id", "sales", ["contact_id"], unique=False)
    op.drop_table("ledger_heads")
    op.drop_table("coop_products")
    op.drop_index(op.f("ix_coop_members_contact_id"), table_name="coop_members")
    op.drop_table("coop_members")
    op.drop_table("coops")
