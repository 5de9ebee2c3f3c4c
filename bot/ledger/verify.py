"""`sales verify`: walk every coop's chain and check each row's hash, its link to the
previous row, the positions (nothing removed or inserted), the chain's head, and the
closings (each sealed day's total and count, no row dated a closed day)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection

from bot.db.repos import sales as repo
from bot.ledger.chain import GENESIS, row_hash
from bot.ledger.money import euros
from bot.ledger.rows import LedgerRow


@dataclass(frozen=True, slots=True)
class Broken:
    coop_id: int
    row_id: int | None
    seq: int | None
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row_id}" if self.row_id is not None else "a row"
        at = f", position {self.seq}" if self.seq is not None else ""
        return f"{where} (coop {self.coop_id}{at}): {self.reason}"


@dataclass(frozen=True, slots=True)
class Verdict:
    rows: int
    closings: int
    coops: int
    broken: Broken | None

    @property
    def ok(self) -> bool:
        return self.broken is None


@dataclass
class _Coop:
    """What is known of one coop's chain while walking it."""

    coop_id: int
    head_seq: int
    head_hash: str
    closed_through: date | None
    seq: int = 0
    last_hash: str = GENESIS
    last_id: int | None = None
    closed: date | None = None  # the last day a closing row sealed
    closed_by: int | None = None
    open_days: dict[date, list[int]] = field(default_factory=dict)  # day -> [cents, rows]

    def broken(self, row: LedgerRow | None, reason: str) -> Broken:
        return Broken(self.coop_id, row.id if row else None, row.seq if row else None, reason)

    def take(self, row: LedgerRow) -> Broken | None:
        if row.seq != self.seq + 1:
            missing = (
                f"{self.seq + 1}" if row.seq == self.seq + 2 else f"{self.seq + 1}–{row.seq - 1}"
            )
            return self.broken(row, f"position {missing} is missing before it (rows removed)")
        if row.prev_hash != self.last_hash:
            after = f"row {self.last_id}" if self.last_id is not None else "the chain's start"
            return self.broken(row, f"does not follow {after}: one of them was changed")
        if row_hash(row) != row.hash:
            return self.broken(row, "its content does not match its hash (changed after writing)")
        if row.seq > self.head_seq:
            return self.broken(row, f"lies beyond the chain's head (position {self.head_seq})")
        found = self._closing(row) if row.kind == "closing" else self._money(row)
        self.seq, self.last_hash, self.last_id = row.seq, row.hash, row.id
        return found

    def _money(self, row: LedgerRow) -> Broken | None:
        if self.closed is not None and row.business_date <= self.closed:
            return self.broken(
                row, f"dated {row.business_date}, a day closed by row {self.closed_by}"
            )
        day = self.open_days.setdefault(row.business_date, [0, 0])
        day[0] += row.amount_cents
        day[1] += 1
        return None

    def _closing(self, row: LedgerRow) -> Broken | None:
        day = row.business_date
        if self.closed is not None and day <= self.closed:
            return self.broken(row, f"closes {day}, after {self.closed} was closed")
        unclosed = [d for d in self.open_days if d < day]
        if unclosed:
            return self.broken(row, f"closes {day} while {min(unclosed)} has rows and no closing")
        cents, rows = self.open_days.pop(day, [0, 0])
        if (row.sealed_cents, row.sealed_rows) != (cents, rows):
            sealed = euros(row.sealed_cents or 0)
            return self.broken(
                row,
                f"seals {day} at {sealed} € in {row.sealed_rows} rows; "
                f"the rows add up to {euros(cents)} € in {rows}",
            )
        self.closed, self.closed_by = day, row.id
        return None

    def end(self) -> Broken | None:
        if (self.seq, self.last_hash) != (self.head_seq, self.head_hash):
            return Broken(
                self.coop_id,
                self.last_id,
                self.seq,
                f"the chain ends here but its head names position {self.head_seq}: "
                "rows were removed from the end, or the head was changed",
            )
        late = [d for d in self.open_days if self.closed_through and d <= self.closed_through]
        if late:
            return self.broken(None, f"{min(late)} should be closed but has no closing row")
        return None


def verify(conn: Connection) -> Verdict:
    rows = closings = coops = 0
    current: _Coop | None = None
    for item in repo.chain(conn):
        row = item.row
        if current is None or row.coop_id != current.coop_id:
            if current is not None and (found := current.end()) is not None:
                return Verdict(rows, closings, coops, found)
            current = _Coop(row.coop_id, item.head_seq, item.head_hash, item.closed_through)
            coops += 1
        found = current.take(row)
        if found is not None:
            return Verdict(rows, closings, coops, found)
        rows += 1
        closings += row.kind == "closing"
    if current is not None and (found := current.end()) is not None:
        return Verdict(rows, closings, coops, found)
    headless = repo.headless_row(conn)
    if headless is not None:
        return Verdict(rows, closings, coops, Broken(0, headless, None, "its coop has no head"))
    for head in repo.empty_heads(conn):
        return Verdict(
            rows,
            closings,
            coops,
            Broken(head.coop_id, head.last_id, head.last_seq, "every row of the coop is gone"),
        )
    return Verdict(rows, closings, coops, None)
