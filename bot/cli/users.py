"""`create-user`: a staff account for the admin panel. An existing account changes only with
`--update`; without a terminal the password comes from `--password` or `--password-stdin`."""

from __future__ import annotations

import argparse
import getpass
import re
import sys

from bot.cli.runtime import CommandError, Subparsers, command, database, run_async
from bot.settings import Settings

ROLES = ("admin", "facilitator", "staff")
MIN_PASSWORD = 8
# One @, no spaces, a domain: "admin@localhost" (the account `make run` creates) included,
# which the e-mail-validator library refuses as a reserved name.
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)*")


def email(value: str) -> str:
    """argparse type: an e-mail address, lower-cased."""
    if not _EMAIL.fullmatch(value.strip()):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an e-mail address (like nadia@example.org)"
        )
    return value.strip().lower()


def register(sub: Subparsers) -> None:
    user = command(sub, "create-user", cmd_create_user, help="create (or --update) a staff account")
    user.add_argument("email", type=email)
    user.add_argument("--role", choices=ROLES, help="default: facilitator for a new account")
    secret = user.add_mutually_exclusive_group()
    secret.add_argument("--password", help="else asked at a terminal")
    secret.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    user.add_argument(
        "--update", action="store_true", help="change the role or password of an existing account"
    )
    user.set_defaults(parser=user)


def _password(args: argparse.Namespace, *, required: bool) -> str | None:
    """The password the arguments give, or asked at a terminal; None when not needed."""
    parser: argparse.ArgumentParser = args.parser
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif args.password is not None:
        password = args.password
    elif not required:
        return None
    elif sys.stdin.isatty():
        password = getpass.getpass("password: ")
    else:
        parser.error("no terminal to ask the password on: give --password or --password-stdin")
    if len(password) < MIN_PASSWORD:
        parser.error(f"the password must have at least {MIN_PASSWORD} characters")
    return password


def cmd_create_user(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.repos import admin

    async def current_role() -> str | None:
        async with database(settings) as db, db.connect() as conn:
            return await admin.user_role(conn, args.email)

    role = run_async(current_role)
    if role is not None and not args.update:
        raise CommandError(
            f"{args.email} already exists ({role}); add --update to change its role or password"
        )
    # A new account needs a password; an update changes what is given (asked at a terminal
    # when nothing else is).
    password = _password(args, required=role is None or args.role is None)
    new_role = args.role or role or "facilitator"

    async def write() -> None:
        async with database(settings) as db, db.begin() as conn:
            if password is None:
                await admin.set_role_by_email(conn, args.email, new_role, actor="cli")
            else:
                await admin.upsert_user(conn, args.email, password, new_role)

    run_async(write)
    done = "created" if role is None else "updated"
    print(f"user {done}: {args.email} ({new_role})", file=sys.stderr)
    return 0
