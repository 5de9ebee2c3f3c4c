"""Typed ledger rows and chain heads, as stored in `sales` and `ledger_heads`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, Final, Literal

Kind = Literal["sale", "reversal", "replacement", "closing"]
MONEY_KINDS: Final = ("sale", "reversal", "replacement")  # everything but closings
PAYMENTS: Final = ("cash", "card", "transfer")


def member_ref(member_id: int) -> str:
    """The stable pseudonymous reference of a member in exports and `recorded_by`: derived
    from the member's row id (which the chain covers), never from a phone number."""
    return f"M{member_id:05d}"


@dataclass(frozen=True, slots=True)
class LedgerRow:
    id: int
    coop_id: int
    seq: int
    kind: str
    business_date: date
    member_id: int | None
    product_id: int | None
    product: str
    quantity: int
    vat_rate_bp: int
    payment: str
    amount_cents: int
    corrects_id: int | None
    corrects_date: date | None
    source_message_id: str | None
    recorded_by: str
    created_at: datetime
    sealed_cents: int | None
    sealed_rows: int | None
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, row: Mapping[Any, Any]) -> LedgerRow:
        return cls(**{name: row[name] for name in COLUMNS})

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in COLUMNS}


COLUMNS: Final = tuple(f.name for f in fields(LedgerRow))


@dataclass(frozen=True, slots=True)
class Head:
    """The end of one coop's chain: its last row (position and hash), the last closed day."""

    coop_id: int
    last_seq: int
    last_id: int | None
    last_hash: str
    closed_through: date | None
