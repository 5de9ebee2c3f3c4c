"""`coop add | list | members | add-member`: the ephemeral coops, their products, members."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from bot.cli.runtime import (
    CommandError,
    Subparsers,
    command,
    database,
    person_name,
    require_migrated,
    run_async,
)
from bot.db.repos.coops import CoopRow, ProductRow
from bot.delivery.timing import QUIET_FROM, QUIET_UNTIL
from bot.ledger.coops import KINDS, CoopSpec, ProductSpec
from bot.ledger.money import MoneyError, cents, euros, vat_bp, vat_percent
from bot.ledger.rows import member_ref
from bot.settings import Settings


def product(value: str) -> ProductSpec:
    """argparse type: "NAME:PRICE:VAT" (euros, VAT in percent), e.g. "repas:8:10"."""
    parts = value.rsplit(":", 2)
    if len(parts) != 3 or not parts[0].strip():
        raise argparse.ArgumentTypeError(f"{value!r} is not NAME:PRICE:VAT (e.g. repas:8:10)")
    name, price, vat = parts
    try:
        price_cents, bp = cents(price), vat_bp(vat)
    except MoneyError as exc:
        raise argparse.ArgumentTypeError(f"{value!r}: {exc}") from None
    if price_cents <= 0:
        raise argparse.ArgumentTypeError(f"{value!r}: the price must be more than zero")
    return ProductSpec(" ".join(name.split())[:80], price_cents, bp)


def day(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date as YYYY-MM-DD") from None


def clock(value: str) -> time:
    found = re.fullmatch(r"([01]?\d|2[0-3])[:h]([0-5]\d)", value.strip())
    if not found:
        raise argparse.ArgumentTypeError(f"{value!r} is not a time as HH:MM")
    return time(int(found.group(1)), int(found.group(2)))


def reminder_time(value: str) -> time:
    at = clock(value)
    if at >= QUIET_FROM or at < QUIET_UNTIL:
        raise argparse.ArgumentTypeError(
            f"{value!r} falls in the quiet hours (21:00-08:00): nothing is sent then"
        )
    return at


def amount(value: str) -> int:
    try:
        c = cents(value)
    except MoneyError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if c <= 0:
        raise argparse.ArgumentTypeError(f"{value!r}: must be more than zero")
    return c


def percent(value: str) -> int:
    try:
        return vat_bp(value)
    except MoneyError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(sub: Subparsers) -> None:
    coop = sub.add_parser("coop", help="the ephemeral coops: add, list, members")
    actions = coop.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = command(actions, "add", cmd_add, help="create a coop; prints its invite code last")
    add.add_argument("--name", required=True)
    add.add_argument("--kind", required=True, choices=KINDS)
    add.add_argument(
        "--product",
        type=product,
        action="append",
        default=[],
        metavar="NAME:PRICE:VAT",
        help='a product, its price in euros and VAT rate in percent ("repas:8:10")',
    )
    add.add_argument("--start", type=day, help="first day, YYYY-MM-DD (default: today)")
    add.add_argument("--end", type=day, help="last day, YYYY-MM-DD")
    add.add_argument("--analytic-code", help="the CAE's code for the activity")
    add.add_argument(
        "--max-sale", type=amount, metavar="EUROS", help="a sale above this is asked again"
    )
    add.add_argument(
        "--vat", type=percent, metavar="PERCENT", help="VAT rate of products not listed"
    )
    add.add_argument(
        "--reminder",
        type=reminder_time,
        metavar="HH:MM",
        help="end-of-day reminder, 08:00-20:59 (nothing is sent at night)",
    )
    add.set_defaults(parser=add)
    command(actions, "list", cmd_list, help="the coops, their products and invite codes")
    members = command(actions, "members", cmd_members, help="a coop's members")
    members.add_argument("name", metavar="NAME")
    member = command(actions, "add-member", cmd_add_member, help="add a contact to a coop")
    member.add_argument("name", metavar="NAME")
    member.add_argument("--contact", type=int, required=True, metavar="ID", help="contact id")
    member.add_argument(
        "--by", type=person_name, default="cli", help="who adds them (a facilitator's name)"
    )


def _run(settings: Settings, fn: Callable[[Connection], Any]) -> Any:
    require_migrated(settings)

    async def go() -> Any:
        async with database(settings) as db:
            return await db.run(fn)

    return run_async(go)


def cmd_add(settings: Settings, args: argparse.Namespace) -> int:
    from bot.ledger.coops import DEFAULT_MAX_SALE_CENTS, DEFAULT_REMINDER, create_coop

    name = " ".join(args.name.split())
    if not name or len(name) > 64:
        args.parser.error("--name must have 1 to 64 characters")
    names = [p.name.casefold() for p in args.product]
    if len(set(names)) != len(names):
        args.parser.error("two --product have the same name")
    if args.start and args.end and args.end < args.start:
        args.parser.error("--end is before --start")
    spec = CoopSpec(
        name=name,
        kind=args.kind,
        products=tuple(args.product),
        starts_on=args.start,
        ends_on=args.end,
        analytic_code=args.analytic_code,
        max_sale_cents=args.max_sale or DEFAULT_MAX_SALE_CENTS,
        default_vat_bp=args.vat,
        reminder_at=args.reminder or DEFAULT_REMINDER,
    )

    def add(conn: Connection) -> Any:
        try:
            return create_coop(conn, spec, now=datetime.now(UTC), tz=ZoneInfo(settings.timezone))
        except ValueError as exc:
            raise CommandError(str(exc)) from None

    created = _run(settings, add)
    c = created.coop
    until = f" to {c.ends_on}" if c.ends_on else ""
    print(f"coop {c.name!r} created: {c.kind}, analytic code {c.analytic_code}")
    print(f"dates: from {c.starts_on}{until}; reminder at {c.reminder_at:%H:%M}")
    for p in created.products:
        print(f"product {_product_line(p)}")
    print(f"members join by sending: JOIN {c.invite_code} (on Telegram: /start {c.invite_code})")
    print(c.invite_code)
    return 0


def cmd_list(settings: Settings, _: argparse.Namespace) -> int:
    from bot.db.repos import coops

    def read(conn: Connection) -> Any:
        counts = coops.member_counts(conn)
        return [
            (c, coops.products_of(conn, c.id), counts.get(c.id, 0)) for c in coops.all_coops(conn)
        ]

    found = _run(settings, read)
    if not found:
        print("no coop yet (add one: python -m bot coop add --name NAME --kind culinary)")
    for c, products, n in found:
        until = f"to {c.ends_on}" if c.ends_on else "no end date"
        print(
            f"{c.name}\t{c.kind}\t{c.analytic_code}\tfrom {c.starts_on} {until}\t"
            f"{n} members\tinvite code {c.invite_code}"
        )
        for p in products:
            print(f"\t{_product_line(p)}")
    return 0


def _product_line(p: ProductRow) -> str:
    return f"{p.name}: {euros(p.default_price_cents)} EUR, VAT {vat_percent(p.vat_rate_bp)} %"


def _coop(conn: Connection, name: str) -> CoopRow:
    from bot.db.repos import coops

    coop = coops.coop_by_name(conn, name)
    if coop is None:
        raise CommandError(f"no coop named {name!r} (see `python -m bot coop list`)")
    return coop


def cmd_members(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.repos import coops

    def read(conn: Connection) -> Any:
        coop = _coop(conn, args.name)
        return coops.members_of(conn, coop.id), coops.member_sales(conn, coop.id)

    members, sales = _run(settings, read)
    if not members:
        print(f"no member yet in {args.name}")
    for m in members:
        who = f"contact {m.contact_id}" if m.contact_id is not None else "(erased)"
        rows, total = sales.get(m.id, (0, 0))
        print(
            f"{member_ref(m.id)}\t{who}\tjoined {m.joined_at:%Y-%m-%d}\t{m.added_by}\t"
            f"reminders {'on' if m.reminders else 'off'}\t{rows} rows\t{euros(total)} EUR"
        )
    return 0


def cmd_add_member(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.repos.coops import contact_exists
    from bot.ledger.coops import add_member

    def add(conn: Connection) -> Any:
        coop = _coop(conn, args.name)
        if not contact_exists(conn, args.contact):
            raise CommandError(f"no contact {args.contact}")
        return add_member(
            conn, coop, args.contact, added_by=f"facilitator:{args.by}"[:64], now=datetime.now(UTC)
        )

    joined = _run(settings, add)
    state = "added to" if joined.new else "already in"
    print(f"contact {args.contact} {state} {joined.coop.name} as {member_ref(joined.member.id)}")
    return 0
