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

from bot.cli.coops import amount, day
from bot.cli.runtime import (
    CommandError,
    Subparsers,
    command,
    database,
    person_name,
    require_migrated,
    run_async,
)
from bot.ledger.rows import PAYMENTS
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

    ledger = sub.add_parser("sales", help="the sales ledger: verify, close, add, undo, correct")
    actions = ledger.add_subparsers(dest="action", required=True, metavar="ACTION")
    command(actions, "verify", cmd_verify, help="check the hash chain and the day closings")
    command(actions, "close", cmd_close, help="close the business days that are due")
    add = command(actions, "add", cmd_add, help="record a sale for a member (facilitator)")
    add.add_argument("--coop", required=True, metavar="NAME")
    add.add_argument("--member", required=True, type=member, metavar="REF", help="e.g. M00012")
    add.add_argument("--product", required=True)
    add.add_argument("--quantity", type=positive, default=1)
    add.add_argument("--amount", required=True, type=amount, metavar="EUROS", help="the total")
    add.add_argument("--payment", choices=PAYMENTS, default="cash")
    add.add_argument(
        "--day",
        type=day,
        help="YYYY-MM-DD (default: today; a closed day is recorded today as its correction)",
    )
    add.add_argument(
        "--by", type=person_name, required=True, metavar="WHO", help="the facilitator's name"
    )
    undo = command(actions, "undo", cmd_undo, help="cancel a sale with a reversal row")
    undo.add_argument("row", type=positive, metavar="ROW", help="the sale's id")
    undo.add_argument("--by", type=person_name, required=True, metavar="WHO")
    fix = command(actions, "correct", cmd_correct, help="replace a sale's values")
    fix.add_argument("row", type=positive, metavar="ROW", help="the sale's id")
    fix.add_argument("--product")
    fix.add_argument("--quantity", type=positive)
    fix.add_argument("--amount", type=amount, metavar="EUROS")
    fix.add_argument("--payment", choices=PAYMENTS)
    fix.add_argument("--by", type=person_name, required=True, metavar="WHO")
    fix.set_defaults(parser=fix)


def member(value: str) -> int:
    """argparse type: a member reference as exports show it (M00012) -> the member id."""
    found = re.fullmatch(r"[Mm]?0*(\d{1,9})", value.strip())
    if not found or int(found.group(1)) == 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a member reference (e.g. M00012)")
    return int(found.group(1))


def positive(value: str) -> int:
    if not value.strip().isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number above zero")
    return int(value)


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
        # `export-sales | head`: the reader gone early is handled in bot/cli/__init__.py
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
    print(f"ledger intact: {verdict.rows} rows ({verdict.closings} closings) in {len(tips)} coops")
    # Kept elsewhere, these anchor the chain: a rewritten chain would end differently.
    for name, head in tips:
        print(f"  {name}: position {head.last_seq}, hash {head.last_hash}")
    return 0


def _recorded(rows: Any) -> None:
    from bot.ledger.money import euros

    for r in rows:
        also = f", correcting row {r.corrects_id}" if r.corrects_id else ""
        late = f" (for {r.corrects_date})" if r.corrects_date else ""
        print(
            f"row {r.id}: {r.kind} of {r.business_date}{late}, {r.product} x{r.quantity}, "
            f"{euros(r.amount_cents)} EUR, {r.payment}{also}"
        )


def _ledger(settings: Settings, fn: Callable[[Connection, datetime, ZoneInfo], Any]) -> Any:
    from bot.ledger.rules import LedgerError

    def go(conn: Connection) -> Any:
        try:
            return fn(conn, datetime.now(UTC), _tz(settings))
        except LedgerError as exc:
            raise CommandError(str(exc)) from None

    return _run(settings, go)


def cmd_add(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.repos import coops
    from bot.ledger.recording import SaleEntry, record_sale
    from bot.ledger.rules import Actor

    def add(conn: Connection, now: datetime, tz: ZoneInfo) -> Any:
        coop = coops.coop_by_name(conn, args.coop)
        if coop is None:
            raise CommandError(f"no coop named {args.coop!r} (see `python -m bot coop list`)")
        entry = SaleEntry(
            coop.id,
            args.member,
            args.product,
            args.quantity,
            args.amount,
            args.payment,
            day=args.day,
        )
        return record_sale(conn, entry, Actor.facilitator(args.by), now=now, tz=tz)

    _recorded(_ledger(settings, add).rows)
    return 0


def cmd_undo(settings: Settings, args: argparse.Namespace) -> int:
    from bot.ledger.recording import reverse
    from bot.ledger.rules import Actor

    recorded = _ledger(
        settings,
        lambda conn, now, tz: reverse(conn, args.row, Actor.facilitator(args.by), now=now, tz=tz),
    )
    _recorded(recorded.rows)
    return 0


def cmd_correct(settings: Settings, args: argparse.Namespace) -> int:
    from bot.ledger.recording import Correction, correct
    from bot.ledger.rules import Actor

    if args.product is None and args.quantity is None and args.amount is None and not args.payment:
        args.parser.error("say what changes: --product, --quantity, --amount or --payment")
    change = Correction(
        quantity=args.quantity, amount_cents=args.amount, payment=args.payment, product=args.product
    )
    recorded = _ledger(
        settings,
        lambda conn, now, tz: correct(
            conn, args.row, change, Actor.facilitator(args.by), now=now, tz=tz
        ),
    )
    _recorded(recorded.rows)
    return 0


def cmd_close(settings: Settings, _: argparse.Namespace) -> int:
    from bot.db.repos.coops import all_coops
    from bot.ledger.journal import close_due

    require_migrated(settings)

    async def go() -> int:
        async with database(settings) as db:
            closed = 0
            for coop in await db.run(all_coops):
                rows = await db.run(
                    lambda c, i=coop.id: close_due(c, i, now=datetime.now(UTC), tz=_tz(settings))
                )
                closed += len(rows)
            return closed

    print(f"{run_async(go)} days closed")
    return 0
