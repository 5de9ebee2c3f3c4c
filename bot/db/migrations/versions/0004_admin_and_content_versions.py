"""admin sessions and login throttling; flows and texts with versions

The flows and texts already loaded (there was no editor before) become release 1,
and count as what the shipped files held, so the next `seed` brings changed files in.

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-02
"""

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import bot.db.base

revision: str = "0004"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DT = bot.db.base.UtcDateTime(timezone=True)


def _item_columns() -> list[sa.Column[str]]:
    return [
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "admin_login_throttle",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", UTC_DT, nullable=False),
        sa.Column("locked_until", UTC_DT, nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_admin_login_throttle")),
    )
    op.create_table(
        "admin_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("last_seen_at", UTC_DT, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["admin_users.id"],
            name=op.f("fk_admin_sessions_user_id_admin_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_sessions")),
    )
    with op.batch_alter_table("admin_sessions") as batch:
        batch.create_index(batch.f("ix_admin_sessions_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("admin_users") as batch:
        batch.add_column(sa.Column("disabled_at", UTC_DT, nullable=True))

    op.create_table(
        "content_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("release", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_head")),
    )
    op.create_table(
        "content_releases",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_releases")),
    )
    op.create_table(
        "content_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        *_item_columns(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("fr_version", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["content_releases.id"],
            name=op.f("fk_content_versions_release_id_content_releases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_versions")),
        sa.UniqueConstraint(
            "kind", "key", "lang", "version", name=op.f("uq_content_versions_kind")
        ),
    )
    with op.batch_alter_table("content_versions") as batch:
        batch.create_index("ix_content_versions_release_id", ["release_id"], unique=False)
    op.create_table(
        "content_drafts",
        *_item_columns(),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.String(length=254), nullable=False),
        sa.Column("updated_at", UTC_DT, nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", "lang", name=op.f("pk_content_drafts")),
    )
    op.create_table(
        "content_shipped",
        *_item_columns(),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("seen_at", UTC_DT, nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", "lang", name=op.f("pk_content_shipped")),
    )
    op.create_table(
        "content_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        *_item_columns(),
        sa.Column("shipped_value", sa.Text(), nullable=False),
        sa.Column("shipped_digest", sa.String(length=64), nullable=False),
        sa.Column("found_at", UTC_DT, nullable=False),
        sa.Column("resolved_at", UTC_DT, nullable=True),
        sa.Column("resolved_by", sa.String(length=254), nullable=True),
        sa.Column("resolution", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_conflicts")),
        sa.UniqueConstraint(
            "kind", "key", "lang", "shipped_digest", name=op.f("uq_content_conflicts_kind")
        ),
    )
    _bring_over_loaded_content()
    op.drop_table("content_texts")
    op.drop_table("flow_definitions")


def _bring_over_loaded_content() -> None:
    conn = op.get_bind()
    now = datetime.now(UTC)
    flows = conn.execute(
        sa.text(
            "SELECT flow_id, source FROM flow_definitions WHERE published = :yes "
            "ORDER BY flow_id, version"
        ),
        {"yes": True},
    ).all()
    texts = conn.execute(sa.text("SELECT key, lang, text, status FROM content_texts")).all()
    newest_flow = {fid: src for fid, src in flows}
    head = 0
    if newest_flow or texts:
        head = 1
        conn.execute(
            sa.table(
                "content_releases",
                sa.column("id"),
                sa.column("kind"),
                sa.column("note"),
                sa.column("actor"),
                sa.column("created_at", UTC_DT),
            ).insert(),
            [
                {
                    "id": 1,
                    "kind": "seed",
                    "note": "flows and texts loaded before versions existed",
                    "actor": "migration",
                    "created_at": now,
                }
            ],
        )
        french = {key for key, lang, _, _ in texts if lang == "fr"}
        rows = [("flow", fid, "", src, "reviewed", None) for fid, src in newest_flow.items()] + [
            ("text", key, lang, text, status, 1 if lang != "fr" and key in french else None)
            for key, lang, text, status in texts
        ]
        item = [sa.column("kind"), sa.column("key"), sa.column("lang")]
        conn.execute(
            sa.table(
                "content_versions",
                *item,
                sa.column("version"),
                sa.column("value"),
                sa.column("status"),
                sa.column("fr_version"),
                sa.column("origin"),
                sa.column("release_id"),
                sa.column("created_at", UTC_DT),
            ).insert(),
            [
                {
                    "kind": kind,
                    "key": key,
                    "lang": lang,
                    "version": 1,
                    "value": value,
                    "status": status,
                    "fr_version": fr_version,
                    "origin": "shipped",
                    "release_id": 1,
                    "created_at": now,
                }
                for kind, key, lang, value, status, fr_version in rows
            ],
        )
        conn.execute(
            sa.table(
                "content_shipped",
                *[sa.column(c) for c in ("kind", "key", "lang")],
                sa.column("digest"),
                sa.column("seen_at", UTC_DT),
            ).insert(),
            [
                {
                    "kind": kind,
                    "key": key,
                    "lang": lang,
                    "digest": hashlib.sha256(value.encode("utf-8")).hexdigest(),
                    "seen_at": now,
                }
                for kind, key, lang, value, _, _ in rows
            ],
        )
    conn.execute(
        sa.text("INSERT INTO content_head (id, release) VALUES (1, :head)"), {"head": head}
    )


def downgrade() -> None:
    op.create_table(
        "flow_definitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flow_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_definitions")),
        sa.UniqueConstraint("flow_id", "version", name=op.f("uq_flow_definitions_flow_id")),
    )
    op.create_table(
        "content_texts",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("updated_at", UTC_DT, nullable=False),
        sa.PrimaryKeyConstraint("key", "lang", name=op.f("pk_content_texts")),
    )
    # The current value of each item, without its history.
    newest = (
        "SELECT v.kind, v.key, v.lang, v.value, v.status FROM content_versions v "
        "JOIN (SELECT kind, key, lang, max(version) AS version FROM content_versions "
        "GROUP BY kind, key, lang) m "
        "ON m.kind = v.kind AND m.key = v.key AND m.lang = v.lang AND m.version = v.version"
    )
    conn = op.get_bind()
    now = datetime.now(UTC)
    rows = conn.execute(sa.text(newest)).all()
    flows = [r for r in rows if r[0] == "flow"]
    texts = [r for r in rows if r[0] == "text"]
    if flows:
        conn.execute(
            sa.table(
                "flow_definitions",
                sa.column("flow_id"),
                sa.column("version"),
                sa.column("source"),
                sa.column("published"),
                sa.column("created_at", UTC_DT),
            ).insert(),
            [
                {
                    "flow_id": r[1],
                    "version": 1,
                    "source": r[3],
                    "published": True,
                    "created_at": now,
                }
                for r in flows
            ],
        )
    if texts:
        conn.execute(
            sa.table(
                "content_texts",
                sa.column("key"),
                sa.column("lang"),
                sa.column("text"),
                sa.column("status"),
                sa.column("updated_at", UTC_DT),
            ).insert(),
            [
                {"key": r[1], "lang": r[2], "text": r[3], "status": r[4], "updated_at": now}
                for r in texts
            ],
        )
    with op.batch_alter_table("content_versions") as batch:
        batch.drop_index("ix_content_versions_release_id")
    op.drop_table("content_versions")
    op.drop_table("content_conflicts")
    op.drop_table("content_shipped")
    op.drop_table("content_drafts")
    op.drop_table("content_releases")
    op.drop_table("content_head")
    with op.batch_alter_table("admin_sessions") as batch:
        batch.drop_index(batch.f("ix_admin_sessions_user_id"))
    op.drop_table("admin_sessions")
    op.drop_table("admin_login_throttle")
    with op.batch_alter_table("admin_users") as batch:
        batch.drop_column("disabled_at")
