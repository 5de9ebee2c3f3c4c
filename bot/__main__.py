"""Command line: python -m bot serve | worker | chat | migrate | seed | create-user |
export-sales."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import secrets
import sys
import uuid

from bot.settings import Settings, get_settings
from content.catalog import LANGS


def _logging(settings: Settings) -> None:
    logging.basicConfig(
        stream=sys.stderr,
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)


def cmd_migrate(settings: Settings, _: argparse.Namespace) -> int:
    from bot.db.migrate import upgrade

    upgrade(settings.database_url)
    print("database migrated", file=sys.stderr)
    return 0


async def _seed(settings: Settings) -> int:
    from bot.core.content import seed_shipped
    from bot.db.repos import admin
    from bot.db.session import Database

    db = Database(settings.database_url)
    try:
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
    finally:
        await db.dispose()
    return 0


def cmd_seed(settings: Settings, _: argparse.Namespace) -> int:
    return asyncio.run(_seed(settings))


def cmd_serve(settings: Settings, _: argparse.Namespace) -> int:
    import uvicorn

    from bot.app import create_app

    if not _migrated(settings):
        return 1
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        access_log=False,
    )
    return 0


def _migrated(settings: Settings) -> bool:
    from bot.db.migrate import NotMigrated, ensure_migrated
    from bot.db.session import Database

    async def check() -> None:
        db = Database(settings.database_url)
        try:
            await ensure_migrated(db)
        finally:
            await db.dispose()

    try:
        asyncio.run(check())
    except NotMigrated as exc:
        print(str(exc), file=sys.stderr)
        return False
    return True


async def _worker(settings: Settings) -> None:
    from bot.channels.registry import install_channels
    from bot.services import Services

    svc = Services(settings)
    install_channels(svc)
    await svc.open()
    await svc.start_background(receive=False)
    try:
        await asyncio.Event().wait()
    finally:
        await svc.close()


def cmd_worker(settings: Settings, _: argparse.Namespace) -> int:
    if not _migrated(settings):
        return 1
    asyncio.run(_worker(settings))
    return 0


async def _chat(settings: Settings, user: str, lang: str | None) -> None:
    from bot.channels.console import ConsoleChannel
    from bot.core.messages import InboundMessage
    from bot.services import Services

    svc = Services(settings)
    await svc.open()
    svc.add_channel(ConsoleChannel(sys.stdout))
    assert svc.dispatcher is not None and svc.sender is not None
    interactive = sys.stdin.isatty()
    if interactive:
        print("Migracoop chat — type a message, Ctrl-D to quit.", file=sys.stderr)
    try:
        while True:
            if interactive:
                try:
                    line = await asyncio.to_thread(input, "> ")
                except EOFError:
                    break
            else:
                raw = await asyncio.to_thread(sys.stdin.readline)
                if not raw:
                    break
                line = raw.rstrip("\n")
            await svc.dispatcher.handle(
                InboundMessage(
                    channel="console",
                    address=user,
                    external_id=uuid.uuid4().hex,
                    text=line,
                    locale_hint=lang,
                )
            )
            await svc.sender.drain()
    finally:
        await svc.close()


def cmd_chat(settings: Settings, args: argparse.Namespace) -> int:
    if not _migrated(settings):
        return 1
    asyncio.run(_chat(settings, args.user, args.lang))
    return 0


def cmd_create_user(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.repos import admin
    from bot.db.session import Database

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
        db = Database(settings.database_url)
        try:
            async with db.begin() as conn:
                return await admin.upsert_user(conn, args.email, password, args.role)
        finally:
            await db.dispose()

    created = asyncio.run(run())
    print(
        f"user {'created' if created else 'updated'}: {args.email} ({args.role})", file=sys.stderr
    )
    return 0


def cmd_export_sales(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.repos.sales import export_csv
    from bot.db.session import Database

    async def run() -> str:
        db = Database(settings.database_url)
        try:
            async with db.connect() as conn:
                return await export_csv(conn, month=args.month)
        finally:
            await db.dispose()

    sys.stdout.write(asyncio.run(run()))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="the web process: webhooks, admin, background loops")
    sub.add_parser("worker", help="outbox sender and scheduler only")
    chat = sub.add_parser("chat", help="talk to the bot from the terminal")
    chat.add_argument("--user", default="local", help="who you are (conversation id)")
    chat.add_argument("--lang", choices=LANGS, default=None)
    sub.add_parser("migrate", help="create or upgrade the database schema")
    sub.add_parser("seed", help="load shipped flows and texts; ensure an admin account")
    user = sub.add_parser("create-user", help="create or update a staff account")
    user.add_argument("email")
    user.add_argument("--role", choices=["admin", "facilitator", "staff"], default="facilitator")
    user.add_argument("--password", help="else asked, or read from standard input")
    export = sub.add_parser("export-sales", help="sales as CSV on standard output")
    export.add_argument("--month", help="YYYY-MM (default: all)")
    args = parser.parse_args(argv)
    settings = get_settings()
    _logging(settings)
    handlers = {
        "serve": cmd_serve,
        "worker": cmd_worker,
        "chat": cmd_chat,
        "migrate": cmd_migrate,
        "seed": cmd_seed,
        "create-user": cmd_create_user,
        "export-sales": cmd_export_sales,
    }
    return handlers[args.command](settings, args)


if __name__ == "__main__":
    raise SystemExit(main())
