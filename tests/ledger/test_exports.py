"""Exports for the accountant: every total equals the sum of the ledger's rows, to the cent."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import Connection, func, select

from bot.db.tables import sales
from bot.ledger.export import CSV_COLUMNS, Selection, write_csv
from bot.ledger.fec import FEC_COLUMNS, write_fec
from bot.ledger.money import split_vat
from bot.ledger.recording import Correction, correct, undo_last
from bot.ledger.rules import Actor
from bot.ledger.totals import coop_total, member_total, totals
from bot.ledger.workbook import SUMMARIES, write_xlsx
from tests.ledger.conftest import TZ, Shop, make_shop, paris

NOVEMBER = Selection(date(2026, 11, 1), date(2026, 12, 1))


@pytest.fixture
async def month(shop: Shop) -> Shop:
    """October's last evening, a November with sales, undos, corrections (one late) and an
    unlisted product, two coops; December's first morning."""
    m = shop.members
    await shop.sell(0, 1111, now=paris("2026-10-31 23:30"))
    await shop.sell(0, 4000, now=paris("2026-11-01 00:30"), quantity=5)
    card = (
        await shop.sell(1, 2400, now=paris("2026-11-02 12:00"), quantity=3, payment="card")
    ).rows[0]
    await shop.sell(2, 705, now=paris("2026-11-02 13:00"), product="gâteau à emporter", quantity=2)
    await shop.sell(
        2, 2500, now=paris("2026-11-02 14:00"), product="tablier", quantity=1, payment="transfer"
    )
    await shop.sell(0, 999, now=paris("2026-11-03 10:00"), product="bolani", quantity=3)
    await shop.sell(1, 3333, now=paris("2026-11-03 11:00"), quantity=4)
    await shop.run(
        lambda c: undo_last(c, m[1], Actor.member(m[1]), now=paris("2026-11-03 11:05"), tz=TZ)
    )
    sale = (await shop.sell(0, 1601, now=paris("2026-11-04 12:00"), quantity=2)).rows[0]
    await shop.run(
        lambda c: correct(
            c,
            sale.id,
            Correction(amount_cents=1599),
            Actor.member(m[0]),
            now=paris("2026-11-04 12:03"),
            tz=TZ,
        )
    )
    await shop.run(
        lambda c: correct(
            c,
            card.id,
            Correction(amount_cents=2000, payment="cash"),
            Actor.facilitator("nadia"),
            now=paris("2026-11-20 09:00"),
            tz=TZ,
        )
    )
    await shop.sell(1, 15, now=paris("2026-11-30 23:59"), quantity=1)
    await shop.sell(1, 2222, now=paris("2026-12-01 00:01"), quantity=1)
    other = await make_shop(shop.db, "Atelier couture", n_members=1)
    await other.sell(
        0, 4500, now=paris("2026-11-15 16:00"), product="tablier", quantity=2, payment="card"
    )
    return shop


async def ledger_sum(shop: Shop, selection: Selection) -> tuple[int, int]:
    """The sum and count of money rows, straight from the table."""

    def read(conn: Connection) -> tuple[int, int]:
        cond = [sales.c.kind != "closing"]
        if selection.start:
            cond.append(sales.c.business_date >= selection.start)
        if selection.end:
            cond.append(sales.c.business_date < selection.end)
        if selection.coop_id:
            cond.append(sales.c.coop_id == selection.coop_id)
        total, n = conn.execute(
            select(func.sum(sales.c.amount_cents), func.count()).where(*cond)
        ).one()
        return int(total or 0), int(n)

    return await shop.run(read)


async def csv_rows(shop: Shop, selection: Selection) -> list[dict[str, str]]:
    out = io.StringIO()
    await shop.run(lambda c: write_csv(c, out, selection))
    text = out.getvalue()
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    return list(csv.DictReader(io.StringIO(text)))


def cents_of(text: str) -> int:
    assert "," not in text and text.count(".") == 1 and len(text.split(".")[1]) == 2, text
    return int(Decimal(text) * 100)


@pytest.mark.parametrize(
    "selection",
    [
        NOVEMBER,
        Selection(date(2026, 10, 1), date(2026, 11, 1)),
        Selection(),
        Selection(date(2026, 12, 1), date(2027, 1, 1)),
    ],
)
async def test_csv_adds_up_to_the_ledger(month: Shop, selection: Selection) -> None:
    rows = await csv_rows(month, selection)
    total, n = await ledger_sum(month, selection)
    assert len(rows) == n
    assert sum(cents_of(r["amount_eur"]) for r in rows) == total
    assert sum(cents_of(r["amount_excl_vat_eur"]) + cents_of(r["vat_eur"]) for r in rows) == total
    for r in rows:
        assert int(r["id"]) > 0  # no total line
        assert r["kind"] != "closing"
        d = date.fromisoformat(r["business_date"])
        assert (selection.start is None or d >= selection.start) and (
            selection.end is None or d < selection.end
        )


async def test_csv_rows_as_the_accountant_reads_them(month: Shop) -> None:
    rows = await csv_rows(month, NOVEMBER)
    first = rows[0]
    assert first["business_date"] == "2026-11-01"  # 00:30 in Paris, though 23:30 UTC on the 31st
    assert (first["coop"], first["product"], first["quantity"], first["payment"]) == (
        "Cuisine du monde",
        "repas",
        "5",
        "cash",
    )
    assert (first["vat_rate"], first["amount_eur"], first["corrects_id"]) == ("10", "40.00", "")
    assert first["member"] == f"M{month.members[0]:05d}"
    reversal = next(r for r in rows if r["kind"] == "reversal" and r["amount_eur"] == "-33.33")
    assert reversal["quantity"] == "-4" and reversal["corrects_id"]
    assert {r["vat_rate"] for r in rows} == {"10", "5.5", "20"}
    late = [r for r in rows if r["corrects_date"]]
    assert {r["business_date"] for r in late} == {"2026-11-20"} and {
        r["corrects_date"] for r in late
    } == {"2026-11-02"}
    assert [r["amount_eur"] for r in late] == ["-24.00", "20.00"]
    bolani = next(r for r in rows if r["product"] == "bolani")
    assert bolani["vat_rate"] == "10"  # unlisted: the coop's default rate
    # Members are pseudonyms: no contact id, no phone number.
    assert all(r["member"].startswith("M") for r in rows)


async def test_csv_of_one_coop(month: Shop) -> None:
    selection = Selection(NOVEMBER.start, NOVEMBER.end, month.coop.id)
    rows = await csv_rows(month, selection)
    assert {r["coop"] for r in rows} == {"Cuisine du monde"}
    total, n = await ledger_sum(month, selection)
    assert len(rows) == n and sum(cents_of(r["amount_eur"]) for r in rows) == total


async def test_xlsx_sheets_each_add_up_to_the_ledger(month: Shop, tmp_path: object) -> None:
    buf = io.BytesIO()
    n = await month.run(lambda c: write_xlsx(c, buf, NOVEMBER))
    total, count = await ledger_sum(month, NOVEMBER)
    assert n == count
    wb = load_workbook(io.BytesIO(buf.getvalue()))
    assert wb.sheetnames == ["sales", *[title for title, _, _ in SUMMARIES]]
    sheet = list(wb["sales"].iter_rows(values_only=True))
    header, body = sheet[0], sheet[1:]
    assert list(header) == list(CSV_COLUMNS) and len(body) == count
    at = {name: i for i, name in enumerate(header)}
    assert sum(Decimal(str(r[at["amount_eur"]])) for r in body) * 100 == total
    for title, _, _ in SUMMARIES:
        lines = list(wb[title].iter_rows(values_only=True))
        assert lines[0][1:] == ("rows", "quantity", "amount_excl_vat_eur", "vat_eur", "amount_eur")
        body = lines[1:]
        assert sum(int(r[1]) for r in body) == count, title
        incl = sum(Decimal(str(r[5])) for r in body)
        assert incl * 100 == total, title
        assert sum(Decimal(str(r[3])) + Decimal(str(r[4])) for r in body) * 100 == total, title
    by_vat = {r[0]: r for r in list(wb["by VAT rate"].iter_rows(values_only=True))[1:]}
    assert set(by_vat) == {"10", "5.5", "20"}


def fec_lines(text: str) -> list[list[str]]:
    lines = text.split("\r\n")
    assert lines[-1] == ""
    return [line.split("\t") for line in lines[:-1]]


async def test_fec_is_a_balanced_journal_numbered_without_gaps(month: Shop) -> None:
    out = io.StringIO()
    entries = await month.run(lambda c: write_fec(c, out, NOVEMBER, TZ))
    header, *lines = fec_lines(out.getvalue())
    assert header == list(FEC_COLUMNS) and len(FEC_COLUMNS) == 18
    total, count = await ledger_sum(month, NOVEMBER)
    assert entries == count
    col = {name: i for i, name in enumerate(FEC_COLUMNS)}
    debit: dict[str, int] = defaultdict(int)
    credit: dict[str, int] = defaultdict(int)
    numbers: list[int] = []
    by_account: dict[str, int] = defaultdict(int)
    for line in lines:
        assert len(line) == 18
        for name in ("Debit", "Credit"):
            value = line[col[name]]
            assert "." not in value and "," in value and len(value.split(",")[1]) == 2
        for name in ("EcritureDate", "PieceDate", "ValidDate"):
            assert len(line[col[name]]) == 8 and line[col[name]].isdigit()
        num = line[col["EcritureNum"]]
        if not numbers or numbers[-1] != int(num):
            numbers.append(int(num))
        d = int(line[col["Debit"]].replace(",", ""))
        c = int(line[col["Credit"]].replace(",", ""))
        debit[num] += d
        credit[num] += c
        by_account[line[col["CompteNum"]]] += d - c
        assert line[col["JournalCode"]] == "VT" and line[col["EcritureLib"]]
    assert numbers == list(range(1, count + 1))  # no gap, each entry once
    assert all(debit[n] == credit[n] for n in debit)  # every entry balances
    # What was cashed (cash, card, transfer) is the ledger's total; sales + VAT its opposite.
    cashed = by_account["530000"] + by_account["511200"] + by_account["512000"]
    assert cashed == total == -(by_account["701000"] + by_account["445710"])


async def test_fec_vat_and_sides(month: Shop) -> None:
    out = io.StringIO()
    await month.run(
        lambda c: write_fec(
            c, out, Selection(date(2026, 11, 1), date(2026, 11, 2), month.coop.id), TZ
        )
    )
    _, *lines = fec_lines(out.getvalue())
    # 40.00 € of meals at 10 %: cash 40,00 debit; sales 36,36 and VAT 3,64 credit.
    assert [(line[4], line[11], line[12]) for line in lines] == [
        ("530000", "40,00", "0,00"),
        ("701000", "0,00", "36,36"),
        ("445710", "0,00", "3,64"),
    ]
    assert lines[0][3] == "20261101" and lines[0][8].startswith(month.coop.analytic_code)
    assert split_vat(4000, 1000) == (3636, 364)


async def test_aggregates_match_the_rows(month: Shop) -> None:
    start, end = NOVEMBER.start, NOVEMBER.end
    assert start is not None and end is not None
    total, count = await ledger_sum(month, Selection(start, end, month.coop.id))
    for by in ("day", "member", "product", "payment", "vat"):
        found = await month.run(
            lambda c, by=by: totals(c, by, coop_id=month.coop.id, start=start, end=end)
        )
        assert sum(t.cents for t in found) == total and sum(t.rows for t in found) == count, by
    whole = await month.run(lambda c: coop_total(c, month.coop.id, start=start, end=end))
    assert (whole.cents, whole.rows) == (total, count)
    members = [
        await month.run(lambda c, m=m: member_total(c, m, start=start, end=end))
        for m in month.members
    ]
    assert sum(m.cents for m in members) == total
    by_day = await month.run(
        lambda c: totals(c, "day", coop_id=month.coop.id, start=start, end=end)
    )
    assert by_day[0].key == date(2026, 11, 1) and by_day[0].cents == 4000


async def test_sums_of_closed_days_come_from_their_summaries_and_match_the_rows(
    month: Shop,
) -> None:
    from sqlalchemy import and_

    from bot.db.repos.sales import period
    from bot.db.tables import sales_day_totals
    from bot.ledger.totals import _COLUMN

    summaries = await month.run(
        lambda c: c.execute(select(func.count()).select_from(sales_day_totals)).scalar_one()
    )
    assert summaries > 0  # closings wrote them
    for start, end in (
        (date(2026, 10, 1), date(2027, 1, 1)),
        (date(2026, 11, 3), date(2026, 12, 1)),
        (date(2026, 11, 29), date(2026, 12, 2)),
    ):
        for by in ("day", "member", "product", "payment", "vat"):
            found = await month.run(
                lambda c, by=by, s=start, e=end: totals(
                    c, by, coop_id=month.coop.id, start=s, end=e
                )
            )

            def raw(
                conn: Connection, by: str = by, s: date = start, e: date = end
            ) -> list[tuple[object, int, int, int]]:
                col = _COLUMN[by]
                rows = conn.execute(
                    select(
                        col,
                        func.count(),
                        func.sum(sales.c.quantity),
                        func.sum(sales.c.amount_cents),
                    )
                    .where(and_(*period(s, e, month.coop.id)))
                    .group_by(col)
                )
                return sorted((k, int(n), int(q), int(c)) for k, n, q, c in rows)

            expected = await month.run(raw)
            assert sorted((t.key, t.rows, t.quantity, t.cents) for t in found) == expected, (
                by,
                start,
            )
