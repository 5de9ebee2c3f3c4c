"""`export-sales` (the month's sales for the accountant: CSV, XLSX or FEC) and `sales`
(`verify` the hash chain and closings; `close` the days that are due)."""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from bot.cli.runtime import CommandError, Subparsers, command, database, require_migrated, run_async
from bot.settings import Settings

_MONTH = re.compile(r"(\d{4})-(\d{2})")


def month(value: str) -> str:
    """argparse type: a month as YYYY-MM."""
    found = _MONTH.fullmatch(value.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise argparse.ArgumentTypeError(f"{value!r} is not a month as YYYY-MM (e.g. 2026-11)")
    return found.group(0)


def register(sub: Subparsers) -> None:
    export = command(
        sub,
        "export-sales",
        cmd_export_sales,
        help="the sales for accounting (CSV on standard output, XLSX, FEC)",
    )
    export.add_argument("--month", type=month, help="YYYY-MM (default: every month)")
    export.add_argument("--coop", metavar="NAME", help="one coop (default: all)")
    export.add_argument("--format", choices=("csv", "xlsx", "fec"), default="csv")
    export.add_argument("--out", metavar="FILE", help="write FILE (required for xlsx)")
    export.set_defaults(parser=export)

    ledger = sub.add_parser("sales", help="the sales ledger: verify, close")
    actions = ledger.add_subparsers(dest="action", required=True, metavar="ACTION")
    command(actions, "verify", cmd_verify, help="check the hash chain and the day closings")
    command(actions, "close", cmd_close, help="close the business days that are due")


def _run(settings: Settings, fn: Callable[[Connection], Any]) -> Any:
    require_migrated(settings)

    async def go() -> Any:
        async with database(settings) as db:
            return await db.run(fn)

    return run_async(go)


def _tz(settings: Settings) -> ZoneInfo:
    return ZoneInfo(settings.timezone)


@contextmanager
def _output(path: str | None, binary: bool) -> Iterator[IO[Any]]:
    """Standard output, or FILE written whole (a temporary file renamed at the end)."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.")
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror}") from exc
    try:
        with (
            os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="") as f
        ):
            yield f
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def cmd_export_sales(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.repos import coops
    from bot.ledger.calendar import month_bounds
    from bot.ledger.export import Selection, write_csv
    from bot.ledger.fec import write_fec
    from bot.ledger.workbook import write_xlsx

    if args.format == "xlsx" and not args.out:
        args.parser.error("--format xlsx needs --out FILE")
    start, end = month_bounds(args.month) if args.month else (None, None)

    def export(conn: Connection) -> int:
        coop_id = None
        if args.coop is not None:
            coop = coops.coop_by_name(conn, args.coop)
            if coop is None:
                raise CommandError(f"no coop named {args.coop!r} (see `python -m bot coop list`)")
            coop_id = coop.id
        selection = Selection(start, end, coop_id)
        with _output(args.out, binary=args.format == "xlsx") as out:
            if args.format == "xlsx":
                return write_xlsx(conn, out, selection)
            if args.format == "fec":
                return write_fec(conn, out, selection, _tz(settings))
            return write_csv(conn, out, selection)

    n = _run(settings, export)
    if args.out:
        print(f"{n} rows written to {args.out}", file=sys.stderr)
    return 0


def cmd_verify(settings: Settings, _: argparse.Namespace) -> int:
    from bot.db.repos.sales import heads
    from bot.ledger.verify import verify

    verdict, tips = _run(settings, lambda conn: (verify(conn), heads(conn)))
    if verdict.broken is not None:
        print(f"ledger broken: {verdict.broken}")
        return 1
    print(
        f"ledger intact: {verdict.rows} rows ({verdict.closings} closings) in {verdict.coops} coops"
    )
    # Kept elsewhere, these anchor the chain: a rewritten chain would end differently.
    for name, head in tips:
        print(f"  {name}: position {head.last_seq}, hash {head.last_hash}")
    return 0


def cmd_close(settings: Settings, _: argparse.Namespace) -> int:
    from bot.ledger.journal import close_all_due

    rows = _run(settings, lambda conn: close_all_due(conn, now=datetime.now(UTC), tz=_tz(settings)))
    print(f"{len(rows)} days closed")
    return 0
