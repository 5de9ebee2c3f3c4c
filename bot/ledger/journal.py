"""Adding rows to a coop's chain: lock its head, close the days that are due, append.

A closing row seals business day D (the total and number of its rows) once D + 1 is
over; it is added before any later row of the coop, by whoever touches the coop first
(a member's sale, or the scheduler's nightly run), so a day never stays open by accident.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from bot.db.repos import coops as coops_repo
from bot.db.repos import sales as repo
from bot.ledger.calendar import closable_through
from bot.ledger.chain import row_hash
from bot.ledger.rows import Head, LedgerRow
from bot.ledger.rules import NotFound

CLOSED_BY = "system:closing"


def append(conn: Connection, head: Head, *, now: datetime, **values: Any) -> tuple[LedgerRow, Head]:
    """Add one row after `head` (locked by the caller); returns it and the new head."""
    draft = LedgerRow(
        id=repo.next_id(conn),
        coop_id=head.coop_id,
        seq=head.last_seq + 1,
        created_at=now,
        prev_hash=head.last_hash,
        hash="",
        **values,
    )
    row = replace(draft, hash=row_hash(draft))
    repo.insert_row(conn, row)
    moved = replace(head, last_seq=row.seq, last_id=row.id, last_hash=row.hash)
    repo.move_head(conn, moved)
    return row, moved


@dataclass(frozen=True, slots=True)
class OpenChain:
    coop: coops_repo.CoopRow
    head: Head
    closings: tuple[LedgerRow, ...]  # added just now


def open_chain(conn: Connection, coop_id: int, *, now: datetime, tz: ZoneInfo) -> OpenChain:
    """Lock the coop's chain for this transaction and close the days that are due."""
    coop = coops_repo.coop_by_id(conn, coop_id)
    head = repo.lock_head(conn, coop_id)
    if coop is None or head is None:
        raise NotFound(f"no coop {coop_id}")
    head, closings = _close_due(conn, head, now=now, tz=tz)
    return OpenChain(coop, head, closings)


def _close_due(
    conn: Connection, head: Head, *, now: datetime, tz: ZoneInfo
) -> tuple[Head, tuple[LedgerRow, ...]]:
    through = closable_through(now, tz)
    if head.closed_through is not None and head.closed_through >= through:
        return head, ()
    added = []
    for day in repo.day_totals(conn, head.coop_id, after=head.closed_through, through=through):
        row, head = append(conn, head, now=now, **_closing(day.day, day.cents, day.rows))
        added.append(row)
    repo.summarize_days(conn, head.coop_id, after=head.closed_through, through=through)
    head = replace(head, closed_through=through)
    repo.move_head(conn, head)
    return head, tuple(added)


def _closing(day: date, cents: int, rows: int) -> dict[str, Any]:
    return {
        "kind": "closing",
        "business_date": day,
        "member_id": None,
        "product_id": None,
        "product": "",
        "quantity": 0,
        "vat_rate_bp": 0,
        "payment": "",
        "amount_cents": 0,
        "corrects_id": None,
        "corrects_date": None,
        "source_message_id": None,
        "recorded_by": CLOSED_BY,
        "sealed_cents": cents,
        "sealed_rows": rows,
    }


def close_due(conn: Connection, coop_id: int, *, now: datetime, tz: ZoneInfo) -> list[LedgerRow]:
    """Close the coop's due days (the scheduler's nightly job; safe to run twice). One coop
    per transaction: a transaction never holds two chains' locks, so none can deadlock."""
    return list(open_chain(conn, coop_id, now=now, tz=tz).closings)
