"""Sums over the ledger, computed by the database: per day, member, product, payment
method or VAT rate for a coop and a period; a member's or a coop's total for some days."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final, Literal

from sqlalchemy import Connection, and_, func, select
from sqlalchemy.sql import ColumnElement

from bot.db.repos import sales as repo
from bot.db.tables import members, sales, sales_day_totals

Dimension = Literal["day", "member", "product", "payment", "vat"]
_COLUMN: Final[dict[str, ColumnElement[Any]]] = {
    "day": sales.c.business_date,
    # "+ 0": grouping by the bare column, SQLite would skip-scan the member index to save a
    # sort (12 s over a million rows) instead of reading the covering index (0.2 s).
    "member": (sales.c.member_id + 0).label("member_id"),
    "product": sales.c.product,
    "payment": sales.c.payment,
    "vat": sales.c.vat_rate_bp,
}


# A closed day's sums keep their keys as text; the live rows give them typed.
_TYPED: Final[dict[str, Callable[[Any], object]]] = {
    "day": lambda v: v,
    "member": int,
    "product": str,
    "payment": str,
    "vat": int,
}


@dataclass(frozen=True, slots=True)
class Total:
    key: object  # the day, member id, product name, payment method or VAT basis points
    rows: int
    quantity: int
    cents: int


def totals(conn: Connection, by: Dimension, *, coop_id: int, start: date, end: date) -> list[Total]:
    """Money rows of the coop with business dates in [start, end), summed per `by`: closed
    days from their sums (written at closing), the days still open from their rows."""
    closed = repo.closed_through(conn, coop_id)
    split = max(start, min(end, closed + timedelta(days=1))) if closed else start
    acc: dict[object, list[int]] = {}

    def add(key: object, rows: int, quantity: int, cents: int) -> None:
        got = acc.setdefault(key, [0, 0, 0])
        got[0] += int(rows)
        got[1] += int(quantity)
        got[2] += int(cents)

    if split > start:
        t = sales_day_totals
        key_col = t.c.business_date if by == "day" else t.c.key
        result = conn.execute(
            select(key_col, func.sum(t.c.rows), func.sum(t.c.quantity), func.sum(t.c.cents))
            .where(
                t.c.coop_id == coop_id,
                t.c.dimension == by,
                t.c.business_date >= start,
                t.c.business_date < split,
            )
            .group_by(key_col)
        )
        for key, n, q, c in result:
            add(_TYPED[by](key), n, q, c)
    if split < end:
        col = _COLUMN[by]
        result = conn.execute(
            select(col, func.count(), func.sum(sales.c.quantity), func.sum(sales.c.amount_cents))
            .where(and_(*repo.period(split, end, coop_id)))
            .group_by(col)
        )
        for key, n, q, c in result:
            add(key, n, q, c)
    return [Total(k, *acc[k]) for k in sorted(acc, key=_order)]


def _order(key: object) -> tuple[int, str]:
    return (0, f"{key:020d}") if isinstance(key, int) else (1, str(key))


def member_total(conn: Connection, member_id: int, *, start: date, end: date) -> Total:
    """One member's sales with business dates in [start, end)."""
    n, q, c = conn.execute(
        select(
            func.count(),
            func.coalesce(func.sum(sales.c.quantity), 0),
            func.coalesce(func.sum(sales.c.amount_cents), 0),
        ).where(
            sales.c.member_id == member_id,
            *repo.period(start, end, None),
        )
    ).one()
    return Total(member_id, int(n), int(q), int(c))


def coop_total(conn: Connection, coop_id: int, *, start: date, end: date) -> Total:
    n, q, c = conn.execute(
        select(
            func.count(),
            func.coalesce(func.sum(sales.c.quantity), 0),
            func.coalesce(func.sum(sales.c.amount_cents), 0),
        ).where(*repo.period(start, end, coop_id))
    ).one()
    return Total(coop_id, int(n), int(q), int(c))


Span = Literal["today", "week", "month"]


def span(which: Span, today: date) -> tuple[date, date]:
    """Business days [start, end) of "today", "this week" (from Monday) or "this month"."""
    if which == "today":
        return today, today + timedelta(days=1)
    if which == "week":
        start = today - timedelta(days=today.weekday())
        return start, start + timedelta(days=7)
    start = today.replace(day=1)
    return start, (start + timedelta(days=32)).replace(day=1)


def silent_members(conn: Connection, coop_id: int, day: date) -> list[int]:
    """Members of the coop who still want reminders, can be reached (not erased), and
    recorded nothing dated `day`: who the end-of-day reminder is for."""
    logged = (
        select(sales.c.id)
        .where(
            sales.c.member_id == members.c.id,
            sales.c.coop_id == coop_id,
            sales.c.business_date == day,
        )
        .exists()
    )
    result = conn.execute(
        select(members.c.id)
        .where(
            members.c.coop_id == coop_id,
            members.c.reminders.is_(True),
            members.c.contact_id.is_not(None),
            ~logged,
        )
        .order_by(members.c.id)
    )
    return [int(m) for m in result.scalars()]
