"""A coop on the test database for the sales events' handler tests, and its ledger rows."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from bot.db.repos.coops import CoopRow
from bot.ledger.coops import CoopSpec, ProductSpec, create_coop
from tests.bot.handlers.conftest import NOW, Harness

PARIS = ZoneInfo("Europe/Paris")


async def make_coop(
    harness: Harness, *, ends_on: date | None = None, name: str = "Cuisine du monde"
) -> CoopRow:
    def build(conn: Connection) -> CoopRow:
        spec = CoopSpec(
            name,
            "culinary",
            products=(ProductSpec("repas", 800, 1000),),
            starts_on=date(2026, 11, 1),
            ends_on=ends_on,
        )
        return create_coop(conn, spec, now=NOW, tz=PARIS).coop

    return await harness.db.run(build)


async def ledger(harness: Harness) -> list[tuple[Any, ...]]:
    """(kind, product, quantity, cents, payment, corrects_id, recorded_by) of each row."""
    rows = await harness.rows(
        "SELECT kind, product, quantity, amount_cents, payment, corrects_id, recorded_by "
        "FROM sales WHERE kind <> 'closing' ORDER BY id"
    )
    return [tuple(r) for r in rows]


async def sale_ids(harness: Harness) -> list[int]:
    """The ids of the sales rows (kind 'sale'): a sequence, not reset between tests."""
    return [int(r[0]) for r in await harness.rows("SELECT id FROM sales WHERE kind = 'sale'")]
