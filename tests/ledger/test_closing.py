"""Closing rows: day D is sealed with its total once D + 1 is over, before any later row."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, select

from bot.db.repos.sales import lock_head
from bot.db.tables import sales
from bot.ledger.journal import close_due
from bot.ledger.recording import undo_last
from bot.ledger.rows import LedgerRow
from bot.ledger.rules import Actor
from bot.ledger.verify import verify
from tests.ledger.conftest import TZ, Shop, make_shop, paris


async def rows(shop: Shop) -> list[LedgerRow]:
    def read(conn: Connection) -> list[LedgerRow]:
        return [
            LedgerRow.of(m)
            for m in conn.execute(select(sales).order_by(sales.c.coop_id, sales.c.seq)).mappings()
        ]

    return await shop.run(read)


async def closings(shop: Shop) -> list[LedgerRow]:
    return [r for r in await rows(shop) if r.kind == "closing"]


async def test_a_day_closes_when_the_day_after_is_over(shop: Shop) -> None:
    await shop.sell(0, 4000, now=paris("2026-11-03 12:00"))
    await shop.sell(1, 2400, now=paris("2026-11-03 20:00"))
    await shop.run(
        lambda c: undo_last(
            c, shop.members[1], Actor.member(shop.members[1]), now=paris("2026-11-03 20:01"), tz=TZ
        )
    )
    await shop.sell(0, 800, now=paris("2026-11-04 23:59:59"), day=date(2026, 11, 3))
    assert await closings(shop) == []  # the 4th is not over: the 3rd is still "yesterday"
    await shop.sell(0, 1600, now=paris("2026-11-05 00:00"))
    (closing,) = await closings(shop)
    assert closing.business_date == date(2026, 11, 3)
    assert (closing.sealed_cents, closing.sealed_rows) == (4000 + 2400 - 2400 + 800, 4)
    assert closing.amount_cents == 0 and closing.quantity == 0 and closing.member_id is None
    assert closing.recorded_by == "system:closing"
    after = [r for r in await rows(shop) if r.seq > closing.seq]
    assert [r.amount_cents for r in after] == [1600]  # the seal comes first
    assert (await shop.run(verify)).ok


async def test_the_nightly_run_closes_each_coop_once(shop: Shop) -> None:
    other = await make_shop(shop.db, "Atelier couture", n_members=1)
    await shop.sell(0, 4000, now=paris("2026-11-03 12:00"))
    await shop.sell(0, 500, now=paris("2026-11-04 12:00"), product="thé")
    await other.sell(0, 3000, now=paris("2026-11-04 18:00"), product="tablier", quantity=1)
    at = paris("2026-11-06 00:10")
    added = [
        row
        for coop in (shop.coop.id, other.coop.id)
        for row in await shop.run(lambda c, i=coop: close_due(c, i, now=at, tz=TZ))
    ]
    assert sorted((r.coop_id, r.business_date, r.sealed_cents) for r in added) == [
        (shop.coop.id, date(2026, 11, 3), 4000),
        (shop.coop.id, date(2026, 11, 4), 500),
        (other.coop.id, date(2026, 11, 4), 3000),
    ]
    assert await shop.run(lambda c: close_due(c, shop.coop.id, now=at, tz=TZ)) == []
    head = await shop.run(lambda c: lock_head(c, shop.coop.id))
    assert head is not None and head.closed_through == date(2026, 11, 4)
    assert (await shop.run(verify)).ok


async def test_days_without_sales_get_no_closing(shop: Shop) -> None:
    await shop.sell(0, 4000, now=paris("2026-11-01 12:00"))
    await shop.sell(0, 800, now=paris("2026-11-20 12:00"))
    assert [c.business_date for c in await closings(shop)] == [date(2026, 11, 1)]


async def test_closings_across_the_daylight_saving_changes(shop: Shop) -> None:
    # 29 March 2026 has 23 hours; it closes at 00:00 on 31 March (22:00 UTC on the 30th).
    await shop.sell(0, 800, now=paris("2026-03-29 23:30"))
    await shop.sell(0, 900, now=paris("2026-03-30 23:59:59"))
    assert await closings(shop) == []
    await shop.sell(0, 1000, now=paris("2026-03-31 00:00"))
    assert [(c.business_date, c.sealed_cents) for c in await closings(shop)] == [
        (date(2026, 3, 29), 800)
    ]
    # 25 October 2026 has 25 hours.
    await shop.sell(0, 700, now=paris("2026-10-25 02:30"))
    await shop.sell(0, 600, now=paris("2026-10-26 23:59:59"))
    assert len(await closings(shop)) == 3  # 30 and 31 March
    await shop.sell(0, 500, now=paris("2026-10-27 00:00"))
    last = (await closings(shop))[-1]
    assert (last.business_date, last.sealed_cents) == (date(2026, 10, 25), 700)
    assert (await shop.run(verify)).ok
