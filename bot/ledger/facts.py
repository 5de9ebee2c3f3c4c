"""What the sales conversation reads about one contact (the lookup's sales types of
flows/lookup.py): their coop and its products, their totals, their last sale, the coop an
invite code opens. Read-only, on the caller's connection."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from bot.db.repos import coops as repo
from bot.ledger import totals
from bot.ledger.coops import normalize_code
from bot.ledger.recording import last_sale as ledger_last_sale
from flows.lookup import CoopInfo, InviteInfo, ProductInfo, SaleInfo, SalesTotals, Total


def current_member(
    conn: Connection, contact_id: int, today: date
) -> tuple[repo.CoopRow, repo.MemberRow] | None:
    """The coop a contact's sales go to: of their memberships, the one joined last among
    the coops that have not ended."""
    for member in reversed(repo.memberships(conn, contact_id)):
        coop = repo.coop_by_id(conn, member.coop_id)
        if coop is not None and (coop.ends_on is None or coop.ends_on >= today):
            return coop, member
    return None


def coop_info(
    conn: Connection, coop: repo.CoopRow, member: repo.MemberRow, today: date
) -> CoopInfo:
    return CoopInfo(
        name=coop.name,
        today=today,
        products=tuple(
            ProductInfo(p.id, p.name, p.aliases, p.default_price_cents)
            for p in repo.products_of(conn, coop.id)
        ),
        max_sale_cents=coop.max_sale_cents,
        reminders=member.reminders,
        reminder_at=coop.reminder_at.strftime("%H:%M"),
        starts_on=coop.starts_on,
    )


def sales_totals(conn: Connection, coop_id: int, member_id: int, today: date) -> SalesTotals:
    def mine(which: totals.Span) -> Total:
        start, end = totals.span(which, today)
        found = totals.member_total(conn, member_id, start=start, end=end)
        return Total(found.cents, found.rows)

    day_start, day_end = totals.span("today", today)
    coop = totals.coop_total(conn, coop_id, start=day_start, end=day_end)
    return SalesTotals(
        today=today,
        mine_today=mine("today"),
        mine_week=mine("week"),
        mine_month=mine("month"),
        coop_today=Total(coop.cents, coop.rows),
    )


def day_total(conn: Connection, member_id: int, day: date) -> int:
    """The member's sales dated `day`, in cents (after the row just added)."""
    return totals.member_total(conn, member_id, start=day, end=day + timedelta(days=1)).cents


def last_sale(conn: Connection, member_id: int, *, now: datetime, tz: ZoneInfo) -> SaleInfo | None:
    """What "undo last" or "correct" changes (bot.ledger.recording.last_sale)."""
    row = ledger_last_sale(conn, member_id, now=now, tz=tz)
    if row is None:
        return None
    return SaleInfo(
        id=row.id,
        product=row.product,
        quantity=row.quantity,
        cents=row.amount_cents,
        payment=row.payment,
        day=row.corrects_date or row.business_date,
        product_id=row.product_id,
    )


def invite(conn: Connection, code: str, contact_id: int, today: date) -> InviteInfo | None:
    coop = repo.coop_by_code(conn, normalize_code(code))
    if coop is None:
        return None
    if coop.ends_on is not None and coop.ends_on < today:
        return InviteInfo(coop.name, "over")
    joined = any(m.coop_id == coop.id for m in repo.memberships(conn, contact_id))
    listed = repo.products_of(conn, coop.id)
    first = listed[0] if listed else None
    example = (
        ProductInfo(first.id, first.name, price_cents=first.default_price_cents) if first else None
    )
    return InviteInfo(coop.name, "member" if joined else "open", example)
