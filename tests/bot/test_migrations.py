"""The Alembic migrations create exactly what the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from bot.db.base import Base
from bot.db.session import Database


async def test_models_match_migrations(db: Database) -> None:
    def diff(conn: Connection) -> list[object]:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return [
            d
            for d in compare_metadata(ctx, Base.metadata)
            if not (
                isinstance(d, tuple)
                and d
                and d[0] == "remove_table"
                and d[1].name == "alembic_version"
            )
        ]

    async with db.connect() as conn:
        assert await conn.run_sync(diff) == []
