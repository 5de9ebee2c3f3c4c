"""Alembic environment: runs migrations on the configured async database."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

import bot.db.models  # noqa: F401  (registers the tables)
from bot.db.base import Base
from bot.db.session import Database

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _main() -> None:
    db = Database(config.get_main_option("sqlalchemy.url") or "")
    async with db.engine.connect() as conn:
        await conn.run_sync(_run)
        await conn.commit()
    await db.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `python -m bot migrate`")
asyncio.run(_main())
