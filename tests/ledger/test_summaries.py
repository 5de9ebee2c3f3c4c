"""The totals a member is told ("my sales today / this week / this month", the coop's today)
add up, to the cent, with the accountant's CSV export: a month of random sales, undos,
corrections, sales for yesterday and a facilitator's correction of a closed day."""

from __future__ import annotations

import contextlib
import csv
import io
import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Connection, text

from bot.ledger.calendar import month_bounds
from bot.ledger.export import Selection, write_csv
from bot.ledger.facts import sales_totals
from bot.ledger.recording import Correction, correct, last_sale, undo_last
from bot.ledger.rows import member_ref
from bot.ledger.rules import Actor, LedgerError
from bot.ledger.totals import span
from tests.ledger.conftest import TZ, Shop, paris


async def test_summaries_add_up_with_the_export(shop: Shop) -> None:
    rng = random.Random(13)
    november = [date(2026, 11, 1) + timedelta(days=n) for n in range(30)]
    for day in november:
        for _ in range(rng.randint(0, 4)):
            m = rng.randrange(len(shop.members))
            at = paris(f"{day} {rng.randint(8, 23):02d}:{rng.randint(0, 59):02d}")
            cents = rng.randint(1, 30_000)
            yesterday = day - timedelta(days=1) if rng.random() < 0.15 else None
            await shop.sell(m, cents, now=at, quantity=rng.randint(1, 9), day=yesterday)
            roll = rng.random()
            member = shop.members[m]
            if roll < 0.15:
                await shop.run(
                    lambda c, mid=member, t=at: undo_last(c, mid, Actor.member(mid), now=t, tz=TZ)
                )
            elif roll < 0.25:
                await shop.run(
                    lambda c, t=at, mid=member: _fix_last(c, mid, t, rng.randint(1, 9999))
                )
    # A facilitator corrects a closed day: the rows are dated the day it is done.
    first = await shop.run(lambda c: _first_sale(c))
    at = paris("2026-11-20 15:00")
    await shop.run(
        lambda c: correct(
            c, first, Correction(amount_cents=123), Actor.facilitator("Awa"), now=at, tz=TZ
        )
    )

    def export(conn: Connection) -> str:
        out = io.StringIO()
        write_csv(conn, out, Selection(*month_bounds("2026-11"), coop_id=shop.coop.id))
        return out.getvalue()

    rows = list(csv.DictReader(io.StringIO(await shop.run(export))))
    assert len(rows) > 60

    def exported(keep: Callable[[dict[str, str]], bool]) -> int:
        total = sum((Decimal(r["amount_eur"]) for r in rows if keep(r)), Decimal(0))
        return int(total * 100)

    for today in november:
        for member in shop.members:
            told = await shop.run(lambda c, d=today, m=member: sales_totals(c, shop.coop.id, m, d))
            ref = member_ref(member)
            for which, total in (
                ("today", told.mine_today),
                ("week", told.mine_week),
                ("month", told.mine_month),
            ):
                start, end = span(which, today)  # type: ignore[arg-type]
                if start.month != 11 or (end - timedelta(days=1)).month != 11:
                    continue  # a week across two months: not in this month's export
                assert total.cents == exported(
                    lambda r, s=start, e=end, ref=ref: (
                        r["member"] == ref and s.isoformat() <= r["business_date"] < e.isoformat()
                    )
                ), (today, member, which)
            assert told.coop_today.cents == exported(
                lambda r, d=today: r["business_date"] == d.isoformat()
            )


def _fix_last(conn: Connection, member_id: int, at: datetime, cents: int) -> None:
    last = last_sale(conn, member_id, now=at, tz=TZ)
    if last is None:
        return
    with contextlib.suppress(LedgerError):  # e.g. over the coop's limit: nothing written
        correct(
            conn, last.id, Correction(amount_cents=cents), Actor.member(member_id), now=at, tz=TZ
        )


def _first_sale(conn: Connection) -> int:
    return int(conn.execute(text("SELECT MIN(id) FROM sales WHERE kind = 'sale'")).scalar_one())
