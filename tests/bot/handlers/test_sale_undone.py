"""sale_undone: the sale gets a reversal row naming it, by the member (nothing is changed or
deleted); undoing it twice, or someone else's sale, writes nothing more."""

from __future__ import annotations

from bot.ledger.coops import join
from flows.events import SaleConfirmed, SaleUndone
from tests.bot.handlers.conftest import NOW, Harness
from tests.bot.handlers.coop import PARIS, ledger, sale_ids
from tests.bot.handlers.test_sale_confirmed import member


async def test_undo_adds_a_reversal_once(harness: Harness) -> None:
    contact, _ = await member(harness, "ti")
    await harness.apply(contact, [SaleConfirmed("repas", 5, 4000, "cash", "today", 1)])
    (sale,) = await sale_ids(harness)
    undone = await harness.apply(contact, [SaleUndone(sale)], external_id="x2")
    assert undone.scene.replies[0].text.startswith("↩️")
    twice = await harness.apply(contact, [SaleUndone(sale)], external_id="x3")
    assert twice.scene.replies[0].text == twice.scene.env.catalog.text("sales.refused.done", "ti")
    assert await ledger(harness) == [
        ("sale", "repas", 5, 4000, "cash", None, "member:M00001"),
        ("reversal", "repas", -5, -4000, "cash", sale, "member:M00001"),
    ]
    sums = await harness.rows("SELECT SUM(amount_cents) FROM sales")
    assert sums[0][0] == 0


async def test_a_member_cannot_undo_another_members_sale(harness: Harness) -> None:
    owner, _ = await member(harness)
    await harness.apply(owner, [SaleConfirmed("repas", 5, 4000, "cash", "today", 1)])
    other = await harness.contact("u2")
    code = (await harness.rows("SELECT invite_code FROM coops"))[0][0]
    await harness.db.run(lambda c: join(c, code, other.id, now=NOW, tz=PARIS))
    (sale,) = await sale_ids(harness)
    await harness.apply(other, [SaleUndone(sale)], external_id="x2")
    assert [r[0] for r in await ledger(harness)] == ["sale"]
