"""`create-user`: a staff account for the admin panel."""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.cli.runtime import Subparsers, command, database, run_async
from bot.settings import Settings

ROLES = ("admin", "facilitator", "staff")


def register(sub: Subparsers) -> None:
    user = command(sub, "create-user", cmd_create_user, help="create or update a staff account")
    user.add_argument("email")
    user.add_argument("--role", choices=ROLES, default="facilitator")
    user.add_argument("--password", help="else asked, or read from standard input")


def cmd_create_user(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.repos import admin

    password = args.password
    if not password:
        if sys.stdin.isatty():
            password = getpass.getpass("password: ")
        else:
            password = sys.stdin.readline().strip()
    if len(password) < 8:
        print("the password must have at least 8 characters", file=sys.stderr)
        return 2

    async def run() -> bool:
        async with database(settings) as db, db.begin() as conn:
            return await admin.upsert_user(conn, args.email, password, args.role)

    created = run_async(run)
    print(
        f"user {'created' if created else 'updated'}: {args.email} ({args.role})", file=sys.stderr
    )
    return 0
