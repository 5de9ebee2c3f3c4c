"""The hash chain: what each ledger row's hash covers, and how it is computed.

    hash = SHA-256( JSON [VERSION, prev_hash, id, coop_id, seq, kind, business_date,
                          member_id, product_id, product, quantity, vat_rate_bp, payment,
                          amount_cents, corrects_id, corrects_date, source_message_id,
                          recorded_by, created_at, sealed_cents, sealed_rows] )

in that order, as UTF-8 JSON without spaces (`null` for an empty value, dates as
YYYY-MM-DD, `created_at` in UTC as YYYY-MM-DDTHH:MM:SS.ffffffZ). `prev_hash` is the hash of
the previous row of the same coop (`seq` − 1), or GENESIS for its first row. Every column
of `sales` but `hash` itself is covered (a test holds this), so changing any value, or
removing, inserting or reordering a row, breaks the chain. No column names a person: a
member's erasure clears `coop_members.contact_id` and leaves every hashed value as it was.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Final

from bot.ledger.rows import COLUMNS, LedgerRow

VERSION: Final = "migracoop-ledger/1"
GENESIS: Final = "0" * 64
HASHED: Final = tuple(c for c in COLUMNS if c not in ("prev_hash", "hash"))

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def plain(value: object) -> object:
    """A value as the hash sees it: dates as text, everything else as JSON has it."""
    if isinstance(value, datetime):
        return timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def digest(prev_hash: str, values: list[object]) -> str:
    """The hash of a row whose HASHED values, already plain, are `values`."""
    return hashlib.sha256(_dumps([VERSION, prev_hash, *values]).encode("utf-8")).hexdigest()


def row_hash(row: LedgerRow) -> str:
    """The hash `row` must carry (its `hash` field is not read)."""
    return digest(row.prev_hash, [plain(getattr(row, name)) for name in HASHED])
