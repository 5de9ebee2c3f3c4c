"""Alembic, driven from code: upgrade, and the check the app runs before it starts; and, for
tests and benchmarks only, emptying a migrated PostgreSQL database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

import bot.db.models  # noqa: F401  (registers every table in Base.metadata)
from bot.db.base import Base
from bot.db.session import Database

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATE_COMMAND = "python -m bot migrate"


class NotMigrated(RuntimeError):
    pass


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str) -> None:
    """Blocking: runs its own event loop (call from a thread when one is running)."""
    command.upgrade(alembic_config(url), "head")


def head_revision(url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


async def ensure_migrated(db: Database) -> None:
    def current(conn: Connection) -> str | None:
        return MigrationContext.configure(conn).get_current_revision()

    async with db.connect() as conn:
        rev = await conn.run_sync(current)
    head = head_revision(db.url)
    if rev != head:
        state = "is not migrated" if rev is None else f"is at revision {rev}, not {head}"
        raise NotMigrated(f"The database {state}. Run `{MIGRATE_COMMAND}` (or `make run`).")


async def truncate_all(db: Database) -> None:
    """For tests and benchmarks only (it deletes every row): empty every table of a
    PostgreSQL database and restart its ids, so a run on a reused server starts as on a
    freshly migrated one. SQLite has no TRUNCATE, and tests and benchmarks give it a fresh
    file instead: a SQLite database is left as it is."""
    if db.is_sqlite:
        return
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    async with db.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
