"""Claims on rows that several workers share: the outbox's messages, and the scheduler's jobs.

The pattern (a table needs `id`, `status`, `claimed_by` and `claimed_until` columns):
- claim: in one transaction, select what is `claimable` — waiting and due, or claimed by
  someone whose lease ran out (they died) — with `FOR UPDATE SKIP LOCKED` on PostgreSQL,
  and write the claimant's token and lease end on it (status waiting -> working);
- work, while a `LeaseKeeper` renews the leases every third of their length;
- record the result only `held_by` the claimant, in the same transaction as the result's
  effects (a job marks itself done in the transaction that queues its messages): if the
  claimant dies first, the lease runs out and another one does the work from the start,
  so each job's effects happen exactly once;
- give back (`release`) what is claimed and not done when stopping normally.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, literal_column, or_, text, update

from bot.db.session import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Claimant:
    """One sender or worker loop: the token it writes on what it claims, and how long a
    claim lasts unless renewed."""

    token: str
    lease: timedelta

    @classmethod
    def new(cls, lease: timedelta) -> Claimant:
        return cls(uuid.uuid4().hex, lease)


def state(name: str) -> ColumnElement[str]:
    """A status written as a literal, not a bound parameter: SQLite uses a partial index
    only when the query repeats the index's condition word for word."""
    return literal_column(f"'{name}'")


def claimable(
    table: Any, now: datetime, due: ColumnElement[bool], *, waiting: str, working: str
) -> ColumnElement[bool]:
    """Waiting and `due`, or claimed by a claimant whose lease ran out."""
    return or_(
        and_(table.c.status == state(waiting), due),
        and_(table.c.status == state(working), table.c.claimed_until < now),
    )


def held_by(table: Any, token: Any, *, working: str) -> ColumnElement[bool]:
    """Rows the claimant with `token` (a value or a bind parameter) still holds."""
    return and_(table.c.claimed_by == token, table.c.status == state(working))


def take(
    conn: Connection,
    table: Any,
    claimant: Claimant,
    ids: Sequence[int],
    now: datetime,
    *,
    working: str,
    **values: Any,
) -> None:
    """Write the claim on rows just selected as claimable (in the same transaction)."""
    conn.execute(
        update(table)
        .where(table.c.id.in_(list(ids)))
        .values(
            status=working,
            claimed_by=claimant.token,
            claimed_until=now + claimant.lease,
            **values,
        )
    )


def renew(
    conn: Connection,
    table: Any,
    claimant: Claimant,
    ids: Collection[int],
    now: datetime,
    *,
    working: str,
) -> int:
    """Extend the claimant's leases on these rows; returns how many it still holds."""
    if not ids:
        return 0
    if conn.dialect.name == "postgresql":  # a lost renewal only shortens a lease: no fsync
        conn.execute(text("SET LOCAL synchronous_commit = off"))
    result = conn.execute(
        update(table)
        .where(table.c.id.in_(list(ids)), held_by(table, claimant.token, working=working))
        .values(claimed_until=now + claimant.lease)
    )
    return result.rowcount or 0


def release(
    conn: Connection,
    table: Any,
    claimant: Claimant,
    ids: Collection[int],
    *,
    working: str,
    waiting: str,
) -> int:
    """Give rows back undone (a claimant stopping): another may take them at once."""
    if not ids:
        return 0
    result = conn.execute(
        update(table)
        .where(table.c.id.in_(list(ids)), held_by(table, claimant.token, working=working))
        .values(status=waiting, claimed_until=None)
    )
    return result.rowcount or 0


class LeaseKeeper:
    """Renews, every third of the lease, the claims its owner still works on (`held`)."""

    def __init__(
        self,
        db: Database,
        table: Any,
        claimant: Claimant,
        clock: Callable[[], datetime],
        *,
        working: str,
    ) -> None:
        self.db, self.table, self.claimant, self.clock = db, table, claimant, clock
        self.working = working
        self.held: set[int] = set()

    async def run(self) -> None:
        every = self.claimant.lease.total_seconds() / 3
        while True:
            await asyncio.sleep(every)
            held = list(self.held)
            if not held:
                continue
            try:
                kept = await self.db.run(
                    renew, self.table, self.claimant, held, self.clock(), working=self.working
                )
            except Exception as exc:  # the rows may be taken by another claimant after the lease
                log.warning("lease renewal failed (%s)", type(exc).__name__)
                continue
            log.debug("%d of %d claims renewed", kept, len(held))
