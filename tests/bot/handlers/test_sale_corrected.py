"""sale_corrected: the old sale gets a reversal and a replacement with the new values, both
naming it; the day's total becomes the corrected one."""

from __future__ import annotations

from flows.events import SaleConfirmed, SaleCorrected
from tests.bot.handlers.conftest import Harness
from tests.bot.handlers.coop import ledger, sale_ids
from tests.bot.handlers.test_sale_confirmed import member


async def test_a_correction_reverses_and_replaces(harness: Harness) -> None:
    contact, _ = await member(harness, "ar")
    await harness.apply(contact, [SaleConfirmed("repas", 5, 4000, "cash", "today", 1)])
    (sale,) = await sale_ids(harness)
    fixed = SaleCorrected(sale, "repas", 5, 4500, "card", 1)
    applied = await harness.apply(contact, [fixed], external_id="x2")
    again = await harness.apply(contact, [fixed], external_id="x2")  # the same message
    assert applied.scene.replies[0].text.startswith("✏️")
    assert again.scene.replies[0].text == applied.scene.replies[0].text
    assert await ledger(harness) == [
        ("sale", "repas", 5, 4000, "cash", None, "member:M00001"),
        ("reversal", "repas", -5, -4000, "cash", sale, "member:M00001"),
        ("replacement", "repas", 5, 4500, "card", sale, "member:M00001"),
    ]
    sums = await harness.rows("SELECT SUM(amount_cents) FROM sales")
    assert sums[0][0] == 4500
