"""What commands share: logging to standard error, the database, one-line failures."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeAlias, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError

from bot.db.session import Database
from bot.settings import Settings
from content.catalog import LANGS

T = TypeVar("T")
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class CommandError(Exception):
    """An expected failure: printed as one line, exit code 1, no traceback."""


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        stream=sys.stderr,
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[Database]:
    db = Database(settings.database_url)
    try:
        yield db
    finally:
        await db.dispose()


def run_async(main: Callable[[], Awaitable[T]]) -> T:
    """Run a command's coroutine; a database that cannot be reached is one line, not a trace."""
    try:
        return asyncio.run(_call(main))
    except BrokenPipeError:
        raise  # our reader has gone, not the database (bot/cli/__init__.py)
    except (OperationalError, DBAPIError, OSError) as exc:
        reason = str(getattr(exc, "orig", exc)).splitlines()[0] if str(exc) else type(exc).__name__
        raise CommandError(f"database error: {reason}") from exc


async def _call(main: Callable[[], Awaitable[T]]) -> T:
    return await main()


def require_migrated(settings: Settings) -> None:
    """Raise CommandError naming the command to run when the schema is not current."""
    from bot.db.migrate import NotMigrated, ensure_migrated

    async def check() -> None:
        async with database(settings) as db:
            await ensure_migrated(db)

    try:
        run_async(check)
    except NotMigrated as exc:
        raise CommandError(str(exc)) from exc


def command(
    sub: Subparsers, name: str, run: Callable[[Settings, argparse.Namespace], int], **kw: Any
) -> argparse.ArgumentParser:
    """A subcommand whose `run(settings, args)` returns the exit code."""
    p: argparse.ArgumentParser = sub.add_parser(name, **kw)
    p.set_defaults(run=run)
    return p


def language(value: str) -> str:
    """argparse type: one of our language codes."""
    lang = value.strip().lower()
    if lang not in LANGS:
        raise argparse.ArgumentTypeError(
            f"unknown language {value!r} (expected one of {', '.join(LANGS)})"
        )
    return lang


def person_name(value: str) -> str:
    """argparse type: a person's name for the audit trail (`--by`, `--as`, `assign WHO`):
    never empty, at most 254 characters."""
    given = " ".join(value.split())
    if not given:
        raise argparse.ArgumentTypeError("a name is needed (it is kept with what you do)")
    if len(given) > 254:
        raise argparse.ArgumentTypeError("a name of at most 254 characters")
    return given


def actor(args: argparse.Namespace) -> str:
    """Who runs a command, for the audit log: `--by`, else the login name."""
    given = str(getattr(args, "by", None) or "").strip()
    if given:
        return given[:254]
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
