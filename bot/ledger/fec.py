"""The sales as a journal in the FEC layout (fichier des écritures comptables), for the
CAE's accounting software: 18 columns, tab-separated, comma decimals, dates YYYYMMDD.

One entry per ledger row, numbered from 1 without gaps: the payment account is debited
with the amount including VAT, the sales account credited without VAT, the VAT account
with the VAT (a reversal swaps the sides), so every entry balances. The account numbers
are the CAE's to choose: they are the `Accounts` defaults below."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Final
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from bot.ledger.export import ExportRow, Selection, export_rows
from bot.ledger.money import euros, vat_percent

FEC_COLUMNS: Final = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)


@dataclass(frozen=True, slots=True)
class Accounts:
    journal: tuple[str, str] = ("VT", "Ventes")
    sales: tuple[str, str] = ("701000", "Ventes de produits finis")
    vat: tuple[str, str] = ("445710", "TVA collectée")
    payment: dict[str, tuple[str, str]] = field(
        default_factory=lambda: {
            "cash": ("530000", "Caisse"),
            "card": ("511200", "Cartes bancaires à encaisser"),
            "transfer": ("512000", "Banque"),
        }
    )


def _ymd(d: date) -> str:
    return d.strftime("%Y%m%d")


def _amount(cents: int) -> str:
    return euros(abs(cents), decimal=",")


def label(e: ExportRow) -> str:
    r = e.row
    what = {
        "sale": "Vente",
        "reversal": f"Annulation ligne {r.corrects_id}",
        "replacement": f"Correction ligne {r.corrects_id}",
    }.get(r.kind, r.kind)
    text = f"{what} {r.product} x{abs(r.quantity)} {e.member} TVA {vat_percent(r.vat_rate_bp)}%"
    if r.corrects_date is not None:
        text += f" (journée du {r.corrects_date.strftime('%d/%m/%Y')})"
    return " ".join(text.split())  # no tab or newline inside a field


def entries(
    rows: Iterator[ExportRow], tz: ZoneInfo, accounts: Accounts | None = None
) -> Iterator[list[str]]:
    """FEC lines (without the header), entry by entry."""
    acc = accounts or Accounts()
    for num, e in enumerate(rows, 1):
        r = e.row
        common = [acc.journal[0], acc.journal[1], str(num), _ymd(r.business_date)]
        piece = [f"{e.analytic_code}-{r.id}", _ymd(r.business_date), label(e)]
        tail = ["", "", _ymd(r.created_at.astimezone(tz).date()), "", ""]
        incoming = r.amount_cents >= 0
        lines = [
            (acc.payment[r.payment], r.amount_cents, incoming),
            (acc.sales, e.excl_cents, not incoming),
        ]
        if e.vat_cents:
            lines.append((acc.vat, e.vat_cents, not incoming))
        for (number, name), cents, debit in lines:
            amount = _amount(cents)
            sides = [amount, "0,00"] if debit else ["0,00", amount]
            yield [*common, number, name, "", "", *piece, *sides, *tail]


def write_fec(conn: Connection, out: IO[str], selection: Selection, tz: ZoneInfo) -> int:
    """Write the journal to `out`; returns the number of entries."""
    out.write("\t".join(FEC_COLUMNS) + "\r\n")
    last = ""
    n = 0
    for line in entries(export_rows(conn, selection), tz):
        out.write("\t".join(" ".join(f.split()) for f in line) + "\r\n")
        if line[2] != last:
            last, n = line[2], n + 1
    return n
