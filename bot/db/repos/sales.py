"""Sales for accounting: the export, with corrections applied as their own rows."""

from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.tables import sales


def euros(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


async def export_csv(conn: AsyncConnection, *, month: str | None = None) -> str:
    """CSV: id, business_date, coop, amount_eur, corrects_id, member (anonymous id or empty)."""
    stmt = select(sales).order_by(sales.c.business_date, sales.c.id)
    if month:
        year, mon = (int(p) for p in month.split("-"))
        start = date(year, mon, 1)
        end = date(year + (mon == 12), mon % 12 + 1, 1)
        stmt = stmt.where(sales.c.business_date >= start, sales.c.business_date < end)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["id", "business_date", "coop", "amount_eur", "corrects_id", "member"])
    for r in await conn.execute(stmt):
        writer.writerow(
            [
                r.id,
                r.business_date.isoformat(),
                r.coop,
                euros(r.amount_cents),
                r.corrects_id or "",
                r.contact_id or "",
            ]
        )
    return buf.getvalue()
