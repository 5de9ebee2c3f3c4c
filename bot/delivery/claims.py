"""Claims on rows that several workers share: the outbox's messages, the scheduler's jobs and
the broadcasts' recipients.

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

A claim without a claimant (`claimant` None; the table needs only `id` and `status`) lasts as
long as its transaction: the scheduler's jobs are claimed, done and finished in one
transaction, and broadcast recipients handed to the outbox in theirs, so a crash leaves them
waiting; there is no lease to renew or reclaim.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    and_,
    literal_column,
    or_,
    text,
    update,
)

from bot.db.session import Database

log = logging.getLogger(__name__)
T = TypeVar("T", bound=tuple[Any, ...])


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


def skip_locked(conn: Connection, query: Select[T], table: Any) -> Select[T]:
    """On PostgreSQL, lock the rows chosen until the commit and pass over those another
    transaction holds (another claimant is taking them); SQLite has one writer at a time."""
    if conn.dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True, of=table)
    return query


def claim(
    conn: Connection,
    table: Any,
    candidates: Select[Any],
    claimant: Claimant | None,
    now: datetime,
    *,
    working: str,
    guard: ColumnElement[bool] | None = None,
    returning: Sequence[ColumnElement[Any]] = (),
    **values: Any,
) -> list[Row[Any]]:
    """Choose the ids `candidates` selects (skipping rows locked by others), then `take` them.

    Chosen first, then updated: as a subquery inside the UPDATE, PostgreSQL may run the
    LIMIT ... SKIP LOCKED more than once and claim more rows than the limit.
    """
    ids = list(conn.execute(skip_locked(conn, candidates, table)).scalars())
    if not ids:
        return []
    return take(
        conn,
        table,
        claimant,
        ids,
        now,
        working=working,
        guard=guard,
        returning=returning,
        **values,
    )


def take(
    conn: Connection,
    table: Any,
    claimant: Claimant | None,
    ids: Sequence[int],
    now: datetime,
    *,
    working: str,
    guard: ColumnElement[bool] | None = None,
    returning: Sequence[ColumnElement[Any]] = (),
    **values: Any,
) -> list[Row[Any]]:
    """Write the claim on rows just chosen as claimable (in the same transaction): the
    claimant's token and lease end, or (claimant None) only the status, for a claim that
    lasts as long as the transaction. `guard`: what the rows must still be (others are
    left alone); `returning`: columns of the rows taken, returned."""
    stmt = update(table).where(table.c.id.in_(list(ids)), *([guard] if guard is not None else []))
    if claimant is not None:
        values.update(claimed_by=claimant.token, claimed_until=now + claimant.lease)
    stmt = stmt.values(status=working, **values)
    if not returning:
        conn.execute(stmt)
        return []
    return list(conn.execute(stmt.returning(*returning)).all())


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
