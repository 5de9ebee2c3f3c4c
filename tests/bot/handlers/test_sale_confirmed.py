"""sale_confirmed: the confirmed sale joins the member's coop ledger, dated today or
yesterday in Paris time, once per channel message; the member is told what was written
and their day's total. A contact in no coop, or an amount over the limit, writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.db.repos.conversations import ContactRow
from bot.ledger.coops import join
from flows.events import SaleConfirmed
from tests.bot.handlers.conftest import NOW, Harness
from tests.bot.handlers.coop import PARIS, ledger, make_coop


async def member(harness: Harness, lang: str = "fr") -> tuple[ContactRow, int]:
    """A contact in `lang`, member of a new coop (its id)."""
    coop = await make_coop(harness)
    contact = await harness.contact(lang=lang)
    await harness.db.run(lambda c: join(c, coop.invite_code, contact.id, now=NOW, tz=PARIS))
    return contact, coop.id


async def test_a_sale_is_written_once_per_message(harness: Harness) -> None:
    contact, _ = await member(harness, "prs")
    sale = SaleConfirmed("repas", 5, 4000, "card", "today", product_id=1)
    first = await harness.apply(contact, [sale], external_id="m1")
    again = await harness.apply(contact, [sale], external_id="m1")
    assert await ledger(harness) == [("sale", "repas", 5, 4000, "card", None, "member:M00001")]
    for applied in (first, again):  # the repeat is told the same, and writes nothing
        (reply,) = applied.scene.replies
        assert reply.lang == "prs" and reply.text.startswith("✅")
    await harness.apply(contact, [sale], external_id="m2")
    assert len(await ledger(harness)) == 2


async def test_yesterday_is_the_day_before_in_paris(harness: Harness) -> None:
    contact, _ = await member(harness)
    late = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)  # 00:30 on 3 December in Paris
    sale = SaleConfirmed("repas", 1, 800, "cash", "yesterday", product_id=1)
    await harness.apply(contact, [sale], now=late)
    rows = await harness.rows("SELECT business_date FROM sales WHERE kind = 'sale'")
    assert str(rows[0][0]) == "2026-12-02"


async def test_nothing_is_written_for_a_contact_in_no_coop(harness: Harness) -> None:
    await make_coop(harness)
    stranger = await harness.contact(lang="ar")
    applied = await harness.apply(stranger, [SaleConfirmed("repas", 1, 800, "cash", "today")])
    assert await ledger(harness) == []
    catalog = applied.scene.env.catalog
    assert [r.text for r in applied.scene.replies] == [catalog.text("sales.refused.member", "ar")]


async def test_an_amount_over_the_limit_is_refused(harness: Harness) -> None:
    contact, _ = await member(harness)
    over = SaleConfirmed("repas", 1, 10_000_00, "cash", "today", product_id=1)
    applied = await harness.apply(contact, [over])
    assert await ledger(harness) == []
    assert applied.scene.replies[0].text == applied.scene.env.catalog.text(
        "sales.refused.amount", "fr"
    )
