"""The accountant's view of the ledger: money rows (closings are seals, not money) of a
period, one per ledger row, with VAT split per row; and the CSV export.

CSV: comma-separated, a header, one line per ledger row, dot decimals, reversals negative,
no total line. The row's hash is included, so a kept export also anchors the chain."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Final

from sqlalchemy import Connection

from bot.db.repos import sales as repo
from bot.ledger.chain import timestamp
from bot.ledger.money import euros, split_vat, vat_percent
from bot.ledger.rows import LedgerRow, member_ref

CSV_COLUMNS: Final = (
    "id",
    "business_date",
    "coop",
    "member",
    "product",
    "quantity",
    "payment",
    "vat_rate",
    "amount_eur",
    "corrects_id",
    "kind",
    "corrects_date",
    "amount_excl_vat_eur",
    "vat_eur",
    "analytic_code",
    "recorded_by",
    "recorded_at",
    "hash",
)


@dataclass(frozen=True, slots=True)
class Selection:
    start: date | None = None  # first business day included
    end: date | None = None  # first business day excluded
    coop_id: int | None = None


@dataclass(frozen=True, slots=True)
class ExportRow:
    row: LedgerRow
    coop: str
    analytic_code: str
    excl_cents: int
    vat_cents: int

    @property
    def member(self) -> str:
        return member_ref(self.row.member_id) if self.row.member_id is not None else ""


def export_rows(conn: Connection, selection: Selection) -> Iterator[ExportRow]:
    """Streamed: memory stays flat whatever the period."""
    for row, coop, code in repo.money_rows(
        conn, start=selection.start, end=selection.end, coop_id=selection.coop_id
    ):
        excl, vat = split_vat(row.amount_cents, row.vat_rate_bp)
        yield ExportRow(row, coop, code, excl, vat)


def csv_line(e: ExportRow) -> list[object]:
    r = e.row
    return [
        r.id,
        r.business_date.isoformat(),
        e.coop,
        e.member,
        r.product,
        r.quantity,
        r.payment,
        vat_percent(r.vat_rate_bp),
        euros(r.amount_cents),
        r.corrects_id if r.corrects_id is not None else "",
        r.kind,
        r.corrects_date.isoformat() if r.corrects_date else "",
        euros(e.excl_cents),
        euros(e.vat_cents),
        e.analytic_code,
        r.recorded_by,
        timestamp(r.created_at),
        r.hash,
    ]


def write_csv(conn: Connection, out: IO[str], selection: Selection) -> int:
    """Write the CSV to `out`; returns the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    n = 0
    for e in export_rows(conn, selection):
        writer.writerow(csv_line(e))
        n += 1
    return n
