"""Fifty members logging at the same moment: one chain, every sale once, nothing lost."""

from __future__ import annotations

import asyncio

from sqlalchemy import Connection, select

from bot.db.session import Database
from bot.db.tables import sales
from bot.ledger.recording import undo_last
from bot.ledger.rules import Actor
from bot.ledger.verify import verify
from tests.ledger.conftest import TZ, make_shop, paris

NOON = paris("2026-11-10 12:00")


async def test_fifty_members_at_once(db: Database) -> None:
    shop = await make_shop(db, n_members=50)
    # Yesterday's sales, so that the first of today's closes nothing but races the others.
    await asyncio.gather(*(shop.sell(i, 100 + i, now=paris("2026-11-08 12:00")) for i in range(50)))

    async def member(i: int) -> None:
        for k in range(3):
            await shop.sell(i, 1000 + i, now=NOON, source=f"telegram:{i}-{k}")
        # The same message delivered again by the platform, at the same time.
        await asyncio.gather(
            *(shop.sell(i, 1000 + i, now=NOON, source=f"telegram:{i}-0") for _ in range(2))
        )
        me = Actor.member(shop.members[i])
        await shop.run(lambda c: undo_last(c, shop.members[i], me, now=NOON, tz=TZ))

    await asyncio.gather(*(member(i) for i in range(50)))

    def read(conn: Connection) -> list[tuple[int, str, int]]:
        return [
            tuple(r)
            for r in conn.execute(
                select(sales.c.seq, sales.c.kind, sales.c.amount_cents).order_by(sales.c.seq)
            )
        ]  # type: ignore[misc]

    rows = await shop.run(read)
    kinds = [k for _, k, _ in rows]
    assert [s for s, _, _ in rows] == list(range(1, len(rows) + 1))
    assert kinds.count("sale") == 50 + 150 and kinds.count("reversal") == 50
    assert kinds.count("closing") == 1  # the 8th, sealed once by whoever came first
    assert sum(a for _, _, a in rows) == sum(100 + i for i in range(50)) + sum(
        2 * (1000 + i) for i in range(50)
    )
    verdict = await shop.run(verify)
    assert verdict.ok and verdict.rows == len(rows)
