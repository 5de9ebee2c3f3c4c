"""`migrate` (the schema) and `seed` (shipped flows and texts; the admin account)."""

from __future__ import annotations

import argparse
import secrets
import sys

from bot.cli.runtime import Subparsers, command, database, run_async
from bot.settings import Settings


def register(sub: Subparsers) -> None:
    command(sub, "migrate", cmd_migrate, help="create or upgrade the database schema")
    command(sub, "seed", cmd_seed, help="load shipped flows and texts; ensure an admin account")


def cmd_migrate(settings: Settings, _: argparse.Namespace) -> int:
    from bot.db.migrate import upgrade

    upgrade(settings.database_url)
    print("database migrated", file=sys.stderr)
    return 0


async def _seed(settings: Settings) -> int:
    from bot.core.content import seed_shipped
    from bot.db.repos import admin

    async with database(settings) as db:
        if not await seed_shipped(db, sys.stderr):
            return 1
        async with db.begin() as conn:
            if settings.admin_email and settings.admin_password:
                await admin.upsert_user(
                    conn, settings.admin_email, settings.admin_password, "admin"
                )
            elif not await admin.any_admin(conn):
                password = secrets.token_urlsafe(12)
                await admin.upsert_user(conn, "admin@localhost", password, "admin")
                print(
                    f"admin account created: admin@localhost / {password}\n"
                    "(shown once; set ADMIN_EMAIL and ADMIN_PASSWORD to choose your own)",
                    file=sys.stderr,
                )
    return 0


def cmd_seed(settings: Settings, _: argparse.Namespace) -> int:
    return run_async(lambda: _seed(settings))
