"""The XLSX export (openpyxl, write-only so memory stays flat): the sales, then one sheet
per day, member, product, payment method and VAT rate, amounts excluding and including
VAT. Each summary adds up the rows' own VAT split, so every sheet reconciles exactly."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import IO, Final

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import Connection

from bot.ledger.export import CSV_COLUMNS, ExportRow, Selection, csv_line, export_rows
from bot.ledger.money import euros_decimal, vat_percent

MONEY_FORMAT: Final = "0.00"
_MONEY_COLUMNS: Final = {"amount_eur", "amount_excl_vat_eur", "vat_eur"}
SUMMARIES: Final[tuple[tuple[str, str, Callable[[ExportRow], str]], ...]] = (
    ("by day", "business_date", lambda e: e.row.business_date.isoformat()),
    ("by member", "member", lambda e: e.member),
    ("by product", "product", lambda e: e.row.product),
    ("by payment", "payment", lambda e: e.row.payment),
    ("by VAT rate", "vat_rate", lambda e: vat_percent(e.row.vat_rate_bp)),
)
SUMMARY_COLUMNS: Final = ("rows", "quantity", "amount_excl_vat_eur", "vat_eur", "amount_eur")


def _money(ws: WriteOnlyWorksheet, cents: int) -> Cell:
    cell = WriteOnlyCell(ws)
    cell.value = euros_decimal(cents)  # an exact Decimal, never a float
    cell.number_format = MONEY_FORMAT
    return cell


def write_xlsx(conn: Connection, out: str | IO[bytes], selection: Selection) -> int:
    """Write the workbook to a path or binary file; returns the number of sales rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("sales")
    ws.append(list(CSV_COLUMNS))
    money_at = [i for i, c in enumerate(CSV_COLUMNS) if c in _MONEY_COLUMNS]
    # summary -> key -> [rows, quantity, excl, vat, incl]
    sums: list[dict[str, list[int]]] = [defaultdict(lambda: [0] * 5) for _ in SUMMARIES]
    n = 0
    for e in export_rows(conn, selection):
        line: list[object] = csv_line(e)
        cents = {"amount_eur": e.row.amount_cents, "amount_excl_vat_eur": e.excl_cents}
        cents["vat_eur"] = e.vat_cents
        for i in money_at:
            line[i] = _money(ws, cents[CSV_COLUMNS[i]])
        ws.append(line)
        for (_, _, key_of), table in zip(SUMMARIES, sums, strict=True):
            acc = table[key_of(e)]
            acc[0] += 1
            acc[1] += e.row.quantity
            acc[2] += e.excl_cents
            acc[3] += e.vat_cents
            acc[4] += e.row.amount_cents
        n += 1
    for (title, heading, _), table in zip(SUMMARIES, sums, strict=True):
        sheet = wb.create_sheet(title)
        sheet.append([heading, *SUMMARY_COLUMNS])
        for key in sorted(table):
            rows, qty, excl, vat, incl = table[key]
            sheet.append(
                [key, rows, qty, _money(sheet, excl), _money(sheet, vat), _money(sheet, incl)]
            )
    wb.save(out)
    return n
