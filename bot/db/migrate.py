"""Alembic, driven from code: upgrade, and the check the app runs before it starts."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

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
