"""Recording sales and correcting them: rules of days and amounts, idempotency, corrections
as new rows naming what they correct, members joining by code."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Connection, func, select

from bot.db.repos import coops as coops_repo
from bot.db.repos.privacy import erase_contact
from bot.db.tables import members, sales
from bot.ledger.coops import CoopSpec, create_coop, join, normalize_code
from bot.ledger.recording import (
    Correction,
    SaleEntry,
    correct,
    last_sale,
    record_sale,
    reverse,
    undo_last,
)
from bot.ledger.rows import LedgerRow
from bot.ledger.rules import (
    Actor,
    AlreadyCorrected,
    AmountNotAllowed,
    CoopOver,
    DayNotAllowed,
    NotAllowed,
    NotFound,
    NothingToUndo,
    UnknownCode,
)
from bot.ledger.verify import verify
from tests.ledger.conftest import TZ, Shop, new_contact, paris

NOON = paris("2026-11-10 12:00")
FACILITATOR = Actor.facilitator("nadia@migracoop.example")


async def all_rows(shop: Shop) -> list[LedgerRow]:
    def read(conn: Connection) -> list[LedgerRow]:
        return [
            LedgerRow.of(m) for m in conn.execute(select(sales).order_by(sales.c.id)).mappings()
        ]

    return await shop.run(read)


async def test_a_sale_is_one_chained_row_in_integer_cents(shop: Shop) -> None:
    (row,) = (await shop.sell(0, 4000, now=NOON, quantity=5, payment="card")).rows
    assert (row.kind, row.amount_cents, row.quantity, row.payment) == ("sale", 4000, 5, "card")
    assert row.business_date == date(2026, 11, 10)
    assert row.vat_rate_bp == 1000 and row.product_id == shop.products["repas"].id
    assert row.recorded_by == f"member:M{shop.members[0]:05d}" and row.created_at == NOON
    assert row.seq == 1 and row.prev_hash == "0" * 64 and len(row.hash) == 64
    assert (await shop.run(verify)).ok


async def test_each_product_carries_its_own_vat_rate(shop: Shop) -> None:
    cake = await shop.sell(0, 700, now=NOON, product="gâteau à emporter", quantity=2)
    apron = await shop.sell(0, 2500, now=NOON, product="tablier", quantity=1)
    assert cake.rows[0].vat_rate_bp == 550 and apron.rows[0].vat_rate_bp == 2000


async def test_an_unknown_product_is_kept_as_written_with_the_coops_default_rate(
    shop: Shop,
) -> None:
    (row,) = (await shop.sell(0, 1200, now=NOON, product="  bolani\tmaison ")).rows
    assert row.product == "bolani maison" and row.product_id is None
    assert row.vat_rate_bp == shop.coop.default_vat_bp == 1000


async def test_the_same_channel_message_counts_once(shop: Shop) -> None:
    first = await shop.sell(0, 4000, now=NOON, source="telegram:981")
    again = await shop.sell(0, 4000, now=NOON + timedelta(minutes=1), source="telegram:981")
    assert again.duplicate and not first.duplicate
    assert again.rows == first.rows
    other = await shop.sell(0, 4000, now=NOON, source="whatsapp:981")
    assert not other.duplicate
    assert len(await all_rows(shop)) == 2


@pytest.mark.parametrize(
    ("when", "day"),
    [
        ("2026-11-10 23:59:59.999999", date(2026, 11, 10)),
        ("2026-11-11 00:00:00", date(2026, 11, 11)),
        ("2026-03-29 01:59:59", date(2026, 3, 29)),  # before the spring change
        ("2026-03-29 03:00:00", date(2026, 3, 29)),  # just after it
        ("2026-10-25 02:30:00", date(2026, 10, 25)),  # the repeated hour
    ],
)
async def test_the_business_date_is_the_day_in_paris(shop: Shop, when: str, day: date) -> None:
    (row,) = (await shop.sell(0, 800, now=paris(when))).rows
    assert row.business_date == day


async def test_a_member_may_date_today_or_yesterday_only(shop: Shop) -> None:
    yesterday = await shop.sell(0, 800, now=NOON, day=date(2026, 11, 9))
    assert yesterday.rows[0].business_date == date(2026, 11, 9)
    assert yesterday.rows[0].corrects_date is None
    for day in (date(2026, 11, 8), date(2026, 10, 1), date(2026, 11, 11)):
        with pytest.raises(DayNotAllowed):
            await shop.sell(0, 800, now=NOON, day=day)
    # Just after midnight, "yesterday" is the day that just ended.
    late = await shop.sell(0, 800, now=paris("2026-11-11 00:05"), day=date(2026, 11, 10))
    assert late.rows[0].business_date == date(2026, 11, 10)


async def test_a_facilitator_dates_an_earlier_day_as_a_correction_made_today(shop: Shop) -> None:
    (row,) = (await shop.sell(0, 800, now=NOON, day=date(2026, 11, 2), actor=FACILITATOR)).rows
    # The 2nd is closed (the 3rd is over): the row is dated today and names the 2nd.
    assert row.business_date == date(2026, 11, 10) and row.corrects_date == date(2026, 11, 2)
    assert row.recorded_by == "facilitator:nadia@migracoop.example"
    with pytest.raises(DayNotAllowed):  # never in the future
        await shop.sell(0, 800, now=NOON, day=date(2026, 11, 11), actor=FACILITATOR)


@pytest.mark.parametrize(("amount", "quantity"), [(0, 1), (-800, 1), (800, 0), (50_001, 1)])
async def test_zero_negative_or_implausible_sales_are_refused(
    shop: Shop, amount: int, quantity: int
) -> None:
    with pytest.raises(AmountNotAllowed):
        await shop.sell(0, amount, now=NOON, quantity=quantity)
    assert await all_rows(shop) == []


async def test_the_plausibility_limit_is_per_coop_and_for_members(shop: Shop) -> None:
    await shop.sell(0, 50_000, now=NOON)  # exactly the limit
    (big,) = (await shop.sell(0, 120_000, now=NOON, actor=FACILITATOR)).rows
    assert big.amount_cents == 120_000


async def test_a_member_records_only_their_own_sales(shop: Shop) -> None:
    with pytest.raises(NotAllowed):
        await shop.sell(1, 800, now=NOON, actor=Actor.member(shop.members[0]))


async def test_outside_the_coops_dates_members_cannot_record(db: object, shop: Shop) -> None:
    def short_coop(conn: Connection) -> int:
        spec = CoopSpec(
            "Atelier", "textile", starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 5)
        )
        coop = create_coop(conn, spec, now=NOON, tz=TZ).coop
        return join(
            conn, coop.invite_code, shop.contacts[0], now=paris("2026-11-04 10:00"), tz=TZ
        ).member.id

    member = await shop.run(short_coop)
    shop.members.append(member)
    coop = await shop.run(lambda c: coops_repo.coop_by_name(c, "Atelier"))
    assert coop is not None
    ok = await shop.sell(3, 900, now=paris("2026-11-05 18:00"), coop_id=coop.id, product="robe")
    assert ok.rows[0].vat_rate_bp == 2000  # no product listed: the textile default
    with pytest.raises(DayNotAllowed):
        await shop.sell(3, 900, now=paris("2026-11-06 10:00"), coop_id=coop.id, product="robe")


async def test_undo_last_adds_a_reversal_naming_the_sale(shop: Shop) -> None:
    (first,) = (await shop.sell(0, 800, now=NOON, quantity=1)).rows
    (second,) = (await shop.sell(0, 2400, now=NOON, quantity=3, payment="card")).rows
    await shop.sell(1, 1600, now=NOON, quantity=2)  # another member's: not theirs to undo
    me = Actor.member(shop.members[0])
    later = NOON + timedelta(minutes=5)
    (undo,) = (await shop.run(lambda c: undo_last(c, shop.members[0], me, now=later, tz=TZ))).rows
    assert (undo.kind, undo.corrects_id) == ("reversal", second.id)
    assert (undo.amount_cents, undo.quantity, undo.payment) == (-2400, -3, "card")
    assert undo.business_date == second.business_date and undo.created_at == later
    assert undo.recorded_by == me.recorded_by
    # Undo again: the sale before.
    (undo2,) = (await shop.run(lambda c: undo_last(c, shop.members[0], me, now=later, tz=TZ))).rows
    assert undo2.corrects_id == first.id
    with pytest.raises(NothingToUndo):
        await shop.run(lambda c: undo_last(c, shop.members[0], me, now=later, tz=TZ))
    rows = await all_rows(shop)
    assert len(rows) == 5 and sum(r.amount_cents for r in rows) == 1600
    # Nothing was changed: the sales are still there, as they were.
    assert rows[0] == first and rows[1] == second
    assert (await shop.run(verify)).ok


async def test_undo_is_idempotent_per_message(shop: Shop) -> None:
    await shop.sell(0, 800, now=NOON)
    await shop.sell(0, 900, now=NOON)
    me = Actor.member(shop.members[0])

    def undo(conn: Connection) -> object:
        return undo_last(conn, shop.members[0], me, now=NOON, tz=TZ, source_message_id="t:5")

    a = await shop.run(undo)
    b = await shop.run(undo)
    assert a.rows == b.rows and b.duplicate  # type: ignore[attr-defined]
    assert sum(r.amount_cents for r in await all_rows(shop)) == 800


async def test_a_member_cannot_undo_what_is_closed_or_not_theirs(shop: Shop) -> None:
    (old,) = (await shop.sell(0, 800, now=paris("2026-11-05 12:00"))).rows
    me = Actor.member(shop.members[0])
    assert await shop.run(lambda c: last_sale(c, shop.members[0], now=NOON, tz=TZ)) is None
    with pytest.raises(NothingToUndo):
        await shop.run(lambda c: undo_last(c, shop.members[0], me, now=NOON, tz=TZ))
    with pytest.raises(DayNotAllowed):
        await shop.run(lambda c: reverse(c, old.id, me, now=NOON, tz=TZ))
    with pytest.raises(NotAllowed):
        await shop.run(lambda c: reverse(c, old.id, Actor.member(shop.members[1]), now=NOON, tz=TZ))


async def test_what_a_facilitator_wrote_a_member_does_not_undo(shop: Shop) -> None:
    """A facilitator's correction of a member's sale stands: "undo last" in the chat never
    offers it, and a member's reversal of it is refused; the member's own sale before it
    is what they can still undo."""
    (own,) = (await shop.sell(0, 800, now=NOON, quantity=1)).rows
    (sale,) = (await shop.sell(0, 4000, now=NOON, quantity=5)).rows
    fixed = await shop.run(
        lambda c: correct(c, sale.id, Correction(amount_cents=4500), FACILITATOR, now=NOON, tz=TZ)
    )
    replacement = fixed.rows[-1]
    me = Actor.member(shop.members[0])
    offered = await shop.run(lambda c: last_sale(c, shop.members[0], now=NOON, tz=TZ))
    assert offered is not None and offered.id == own.id
    with pytest.raises(NotAllowed):
        await shop.run(lambda c: reverse(c, replacement.id, me, now=NOON, tz=TZ))
    with pytest.raises(NotAllowed):
        change = Correction(amount_cents=100)
        await shop.run(lambda c: correct(c, replacement.id, change, me, now=NOON, tz=TZ))
    (undo,) = (await shop.run(lambda c: undo_last(c, shop.members[0], me, now=NOON, tz=TZ))).rows
    assert undo.corrects_id == own.id
    assert (await shop.run(verify)).ok


async def test_a_correction_is_a_reversal_and_a_replacement(shop: Shop) -> None:
    (sale,) = (await shop.sell(0, 4000, now=NOON, quantity=5)).rows
    me = Actor.member(shop.members[0])
    change = Correction(quantity=4, amount_cents=3200, payment="transfer")
    rev, new = (
        await shop.run(
            lambda c: correct(c, sale.id, change, me, now=NOON, tz=TZ, source_message_id="t:9")
        )
    ).rows
    assert (rev.kind, rev.amount_cents, rev.quantity, rev.corrects_id) == (
        "reversal",
        -4000,
        -5,
        sale.id,
    )
    assert (new.kind, new.amount_cents, new.quantity, new.payment) == (
        "replacement",
        3200,
        4,
        "transfer",
    )
    assert new.corrects_id == sale.id and new.product == "repas"
    assert new.source_message_id == "t:9/2"
    with pytest.raises(AlreadyCorrected):
        await shop.run(lambda c: correct(c, sale.id, change, me, now=NOON, tz=TZ))
    # The replacement may itself be corrected, or undone.
    (undo,) = (await shop.run(lambda c: undo_last(c, shop.members[0], me, now=NOON, tz=TZ))).rows
    assert undo.corrects_id == new.id
    assert sum(r.amount_cents for r in await all_rows(shop)) == 0
    with pytest.raises(NotAllowed):  # a reversal is not a sale
        await shop.run(lambda c: correct(c, rev.id, change, FACILITATOR, now=NOON, tz=TZ))
    with pytest.raises(NotFound):
        await shop.run(lambda c: correct(c, sale.id + 99, change, me, now=NOON, tz=TZ))
    assert (await shop.run(verify)).ok


async def test_a_facilitators_correction_of_a_closed_day_is_dated_today(shop: Shop) -> None:
    (sale,) = (await shop.sell(0, 4000, now=paris("2026-11-03 12:00"))).rows
    change = Correction(amount_cents=4500)
    rev, new = (
        await shop.run(lambda c: correct(c, sale.id, change, FACILITATOR, now=NOON, tz=TZ))
    ).rows
    for row in (rev, new):
        assert row.business_date == date(2026, 11, 10)
        assert row.corrects_date == date(2026, 11, 3) and row.corrects_id == sale.id
        assert row.recorded_by == FACILITATOR.recorded_by
    # The 3rd's closing still holds, sealed before the correction.
    rows = await all_rows(shop)
    closing = next(r for r in rows if r.kind == "closing")
    assert closing.business_date == date(2026, 11, 3) and closing.sealed_cents == 4000
    assert closing.seq < rev.seq
    assert (await shop.run(verify)).ok


async def test_joining_by_code_in_any_case_and_digit_script(shop: Shop) -> None:
    code = shop.coop.invite_code
    arabic = code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    persian = code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    geez = code.translate(str.maketrans("23456789", "፪፫፬፭፮፯፰፱"))
    for typed in (
        code.lower(),
        f" {code[:3]} {code[3:]} ",
        arabic,
        persian,
        geez,
        code.lower().replace(code[2].lower(), code[2]),
    ):
        assert normalize_code(typed) == code, typed

    def joins(conn: Connection) -> tuple[bool, bool, int]:
        contact = new_contact(conn)
        first = join(conn, arabic.lower(), contact, now=NOON, tz=TZ)
        second = join(conn, code, contact, now=NOON, tz=TZ)
        assert first.member == second.member
        return first.new, second.new, first.member.coop_id

    assert await shop.run(joins) == (True, False, shop.coop.id)
    with pytest.raises(UnknownCode):
        await shop.run(lambda c: join(c, "NOPE99", shop.contacts[0], now=NOON, tz=TZ))


async def test_an_ended_coop_takes_no_new_member(shop: Shop) -> None:
    def make(conn: Connection) -> str:
        spec = CoopSpec(
            "Ancienne", "textile", starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30)
        )
        return create_coop(conn, spec, now=NOON, tz=TZ).coop.invite_code

    code = await shop.run(make)
    with pytest.raises(CoopOver):
        await shop.run(lambda c: join(c, code, shop.contacts[0], now=NOON, tz=TZ))


async def test_erasure_keeps_the_rows_without_the_person_and_the_chain_intact(shop: Shop) -> None:
    await shop.sell(0, 4000, now=paris("2026-11-03 12:00"))
    await shop.sell(1, 800, now=paris("2026-11-03 12:00"))
    await shop.sell(0, 1600, now=NOON)
    before = await all_rows(shop)
    await shop.run(lambda c: erase_contact(c, shop.contacts[0]))

    def member_links(conn: Connection) -> list[tuple[int, int | None]]:
        return [
            tuple(r)
            for r in conn.execute(select(members.c.id, members.c.contact_id).order_by(members.c.id))
        ]  # type: ignore[misc]

    links = await shop.run(member_links)
    assert links[0] == (shop.members[0], None) and links[1] == (shop.members[1], shop.contacts[1])
    assert await all_rows(shop) == before  # not one value of the ledger changed
    verdict = await shop.run(verify)
    assert verdict.ok and verdict.rows == len(before)
    count = await shop.run(
        lambda c: c.execute(select(func.count()).select_from(sales)).scalar_one()
    )
    assert count == len(before)


async def test_a_listed_product_is_found_by_its_name_or_aliases(shop: Shop) -> None:
    def alias(conn: Connection) -> None:
        from bot.db.tables import products

        conn.execute(
            products.update()
            .where(products.c.id == shop.products["tablier"].id)
            .values(aliases=["apron", "مريلة"])
        )

    await shop.run(alias)
    me = Actor.member(shop.members[0])
    for written in ("  Tablier ", "مريلة", "APRON"):
        entry = SaleEntry(shop.coop.id, shop.members[0], written, 1, 2500)
        (row,) = (await shop.run(lambda c, e=entry: record_sale(c, e, me, now=NOON, tz=TZ))).rows
        assert (row.product, row.product_id, row.vat_rate_bp) == (
            "tablier",
            shop.products["tablier"].id,
            2000,
        )
