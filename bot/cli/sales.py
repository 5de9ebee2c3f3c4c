"""`export-sales`: the coops' sales for accounting."""

from __future__ import annotations

import argparse
import re
import sys

from bot.cli.runtime import Subparsers, command, database, run_async
from bot.settings import Settings

_MONTH = re.compile(r"(\d{4})-(\d{2})")


def month(value: str) -> str:
    """argparse type: a month as YYYY-MM."""
    found = _MONTH.fullmatch(value.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise argparse.ArgumentTypeError(f"{value!r} is not a month as YYYY-MM (e.g. 2026-11)")
    return found.group(0)


def register(sub: Subparsers) -> None:
    export = command(sub, "export-sales", cmd_export_sales, help="sales as CSV on standard output")
    export.add_argument("--month", type=month, help="YYYY-MM (default: all)")


def cmd_export_sales(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.repos.sales import export_csv

    async def run() -> str:
        async with database(settings) as db, db.connect() as conn:
            return await export_csv(conn, month=args.month)

    sys.stdout.write(run_async(run))
    return 0
