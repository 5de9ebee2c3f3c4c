"""A coop with products and members on the test database, and a clock in Paris time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection, insert

from bot.db.repos.coops import CoopRow, ProductRow
from bot.db.session import Database
from bot.db.tables import contacts
from bot.ledger.coops import CoopSpec, ProductSpec, create_coop, join
from bot.ledger.recording import Recorded, SaleEntry, record_sale
from bot.ledger.rules import Actor

TZ = ZoneInfo("Europe/Paris")
T = TypeVar("T")


def paris(text: str) -> datetime:
    """ "2026-11-03 10:00" in Paris -> an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ).astimezone(UTC)


def new_contact(conn: Connection) -> int:
    now = datetime.now(UTC)
    result = conn.execute(
        insert(contacts).values(lang="fr", fields={}, created_at=now, last_seen_at=now)
    )
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


@dataclass
class Shop:
    db: Database
    coop: CoopRow
    products: dict[str, ProductRow]
    members: list[int]  # member ids
    contacts: list[int]

    async def run(self, fn: Callable[[Connection], T]) -> T:
        return await self.db.run(fn)

    async def sell(
        self,
        member: int = 0,
        amount_cents: int = 4000,
        *,
        now: datetime,
        product: str = "repas",
        quantity: int = 5,
        payment: str = "cash",
        day: date | None = None,
        source: str | None = None,
        actor: Actor | None = None,
        coop_id: int | None = None,
    ) -> Recorded:
        listed = self.products.get(product)
        entry = SaleEntry(
            coop_id=coop_id or self.coop.id,
            member_id=self.members[member],
            product=product,
            quantity=quantity,
            amount_cents=amount_cents,
            payment=payment,
            product_id=listed.id if listed else None,
            day=day,
            source_message_id=source,
        )
        who = actor or Actor.member(self.members[member])
        return await self.db.run(lambda c: record_sale(c, entry, who, now=now, tz=TZ))


async def make_shop(db: Database, name: str = "Cuisine du monde", n_members: int = 3) -> Shop:
    def build(conn: Connection) -> Shop:
        now = paris("2026-11-01 09:00")
        spec = CoopSpec(
            name=name,
            kind="culinary",
            products=(
                ProductSpec("repas", 800, 1000),
                ProductSpec("gâteau à emporter", 350, 550),
                ProductSpec("tablier", 2500, 2000),
            ),
            starts_on=date(2026, 1, 1),
            max_sale_cents=50_000,
        )
        created = create_coop(conn, spec, now=now, tz=TZ)
        people = [new_contact(conn) for _ in range(n_members)]
        members = [
            join(conn, created.coop.invite_code, c, now=now, tz=TZ).member.id for c in people
        ]
        return Shop(db, created.coop, {p.name: p for p in created.products}, members, people)

    return await db.run(build)


@pytest.fixture
async def shop(db: Database) -> Shop:
    return await make_shop(db)
