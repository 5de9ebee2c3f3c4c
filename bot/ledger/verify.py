"""`sales verify`: walk every coop's chain and check each row's hash, its link to the
previous row, the positions (nothing removed or inserted), the chain's head, and the
closings (each sealed day's total and count, no row dated a closed day).

A million rows in seconds: the database writes each row's canonical JSON (PostgreSQL also
hashes it), rows come as tuples with dates as ISO text (which also orders them), and only
a row whose hash then disagrees is read and hashed again by `chain.row_hash`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Final

from sqlalchemy import Connection

from bot.db.repos import sales as repo
from bot.ledger.chain import GENESIS, row_hash
from bot.ledger.money import euros

_AT: Final = {name: i for i, name in enumerate(repo.CHAIN_FIELDS)}


def _hash_holds(conn: Connection, row_id: int) -> bool:
    """The authoritative check of one row: its typed values through `chain.row_hash`."""
    row = repo.row_by_id(conn, row_id)
    return row is not None and row_hash(row) == row.hash


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
    rechecked: int = 0  # rows whose database-made JSON differed and Python hashed again

    @property
    def ok(self) -> bool:
        return self.broken is None


@dataclass
class _Coop:
    """What is known of one coop's chain while walking it."""

    coop_id: int
    head_seq: int
    head_hash: str
    closed_through: str | None
    seq: int = 0
    last_hash: str = GENESIS
    last_id: int | None = None
    closed: str = ""  # the last day a closing row sealed ("" sorts before any day)
    closed_by: int | None = None
    open_days: dict[str, list[int]] = field(default_factory=dict)  # day -> [cents, rows]

    def closing(self, day: str, sealed_cents: int | None, sealed_rows: int | None) -> str | None:
        if day <= self.closed:
            return f"closes {day}, after {self.closed} was closed"
        unclosed = [d for d in self.open_days if d < day]
        if unclosed:
            return f"closes {day} while {min(unclosed)} has rows and no closing"
        cents, rows = self.open_days.pop(day, [0, 0])
        if (sealed_cents, sealed_rows) != (cents, rows):
            return (
                f"seals {day} at {euros(sealed_cents or 0)} € in {sealed_rows} rows; "
                f"the rows add up to {euros(cents)} € in {rows}"
            )
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
            return Broken(
                self.coop_id, None, None, f"{min(late)} should be closed but has no closing row"
            )
        return None


def verify(conn: Connection) -> Verdict:
    # One tight loop over a million tuples: positions resolved once, here.
    i_id, i_coop, i_seq, i_kind, i_day = (
        _AT[n] for n in ("id", "coop_id", "seq", "kind", "business_date")
    )
    i_cents, i_sealed, i_sealed_rows = _AT["amount_cents"], _AT["sealed_cents"], _AT["sealed_rows"]
    i_prev, i_hash, i_check = _AT["prev_hash"], _AT["hash"], _AT["check"]
    i_head_seq, i_head_hash, i_closed = _AT["head_seq"], _AT["head_hash"], _AT["closed_through"]
    sha256 = hashlib.sha256
    rows = closings = coops = rechecked = 0
    c: _Coop | None = None

    def done(broken: Broken | None) -> Verdict:
        return Verdict(rows, closings, coops, broken, rechecked)

    for r in repo.chain(conn):
        if c is None or r[i_coop] != c.coop_id:
            if c is not None and (ended := c.end()) is not None:
                return done(ended)
            c = _Coop(r[i_coop], r[i_head_seq], r[i_head_hash], r[i_closed])
            coops += 1
        seq, day, check = r[i_seq], r[i_day], r[i_check]
        reason = None
        if seq != c.seq + 1:
            gap = f"{c.seq + 1}" if seq == c.seq + 2 else f"{c.seq + 1}–{seq - 1}"
            reason = f"position {gap} is missing before it (rows removed)"
        elif r[i_prev] != c.last_hash:
            after = f"row {c.last_id}" if c.last_id is not None else "the chain's start"
            reason = f"does not follow {after}: one of them was changed"
        elif not (
            check is True
            or (type(check) is str and sha256(check.encode()).hexdigest() == r[i_hash])
        ):
            rechecked += 1
            if not _hash_holds(conn, r[i_id]):
                reason = "its content does not match its hash (changed after writing)"
        elif seq > c.head_seq:
            reason = f"lies beyond the chain's head (position {c.head_seq})"
        elif r[i_kind] == "closing":
            reason = c.closing(day, r[i_sealed], r[i_sealed_rows])
            if reason is None:
                c.closed, c.closed_by = day, r[i_id]
                closings += 1
        elif day <= c.closed:
            reason = f"dated {day}, a day closed by row {c.closed_by}"
        else:
            acc = c.open_days.get(day)
            if acc is None:
                c.open_days[day] = [r[i_cents], 1]
            else:
                acc[0] += r[i_cents]
                acc[1] += 1
        if reason is not None:
            return done(Broken(c.coop_id, r[i_id], seq, reason))
        c.seq, c.last_hash, c.last_id = seq, r[i_hash], r[i_id]
        rows += 1
    if c is not None and (ended := c.end()) is not None:
        return done(ended)
    headless = repo.headless_row(conn)
    if headless is not None:
        row_id, coop_id = headless
        return done(Broken(coop_id, row_id, None, "its coop has no head"))
    for head in repo.empty_heads(conn):
        gone = Broken(head.coop_id, head.last_id, head.last_seq, "every row of the coop is gone")
        return done(gone)
    return done(None)
