"""Scheduled jobs: adding them once (by key), claiming what is due exactly once across
processes, and recording what became of them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, Select, bindparam, insert, select, update

from bot.db.tables import jobs
from bot.delivery.claims import claim, state

# The claim pattern's states (bot/delivery/claims.py), for the jobs.
WAITING, WORKING = "pending", "running"
PENDING: ColumnElement[str] = state(WAITING)
# Claimed by this transaction and not finished yet: never committed (finish() moves every
# claimed job on), so other transactions never see it; queries join on it instead of
# carrying long id lists.
RUNNING: ColumnElement[str] = state(WORKING)


@dataclass(frozen=True, slots=True)
class NewJob:
    kind: str
    key: str
    due_at: datetime
    contact_id: int | None = None
    workshop_id: int | None = None


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    kind: str
    key: str
    contact_id: int | None
    workshop_id: int | None
    due_at: datetime


@dataclass(frozen=True, slots=True)
class Finished:
    """What became of a claimed job: done, skipped (why), or due again later."""

    id: int
    status: str  # done | skipped | pending (due again at `due_at`)
    note: str | None = None
    due_at: datetime | None = None


def add(conn: Connection, new: Sequence[NewJob], now: datetime) -> int:
    """Insert the jobs whose key is not known yet; returns how many were added."""
    if not new:
        return 0
    known = set(
        conn.execute(select(jobs.c.key).where(jobs.c.key.in_([j.key for j in new]))).scalars()
    )
    fresh = {j.key: j for j in new if j.key not in known}
    if fresh:
        conn.execute(
            insert(jobs),
            [
                {
                    "kind": j.kind,
                    "key": j.key,
                    "contact_id": j.contact_id,
                    "workshop_id": j.workshop_id,
                    "due_at": j.due_at,
                    "status": "pending",
                    "created_at": now,
                }
                for j in fresh.values()
            ],
        )
    return len(fresh)


def put(conn: Connection, job: NewJob, now: datetime) -> None:
    """The job with this key is pending at `due_at`, whatever it was before (a nudge moved
    on by a week, or switched on again)."""
    moved = conn.execute(
        update(jobs)
        .where(jobs.c.key == job.key)
        .values(due_at=job.due_at, status="pending", note=None, done_at=None)
    )
    if not moved.rowcount:
        add(conn, [job], now)


def cancel(conn: Connection, keys_like: str, now: datetime, note: str) -> int:
    """Cancel pending jobs whose key matches the SQL LIKE pattern."""
    result = conn.execute(
        update(jobs)
        .where(jobs.c.key.like(keys_like), jobs.c.status == PENDING)
        .values(status="cancelled", note=note[:64], done_at=now)
    )
    return result.rowcount or 0


def claim_due(
    conn: Connection,
    now: datetime,
    limit: int = 200,
    *,
    kinds: Collection[str] | None = None,
    skip: Collection[str] = (),
) -> list[Job]:
    """Due pending jobs (of `kinds`, if given, and none of `skip`), each claimed by one
    transaction only (bot/delivery/claims.py: a claim without a claimant).

    PostgreSQL: rows another scheduler holds are skipped (SKIP LOCKED) and stay locked
    until this transaction commits. Every backend: the claim is an UPDATE guarded by
    `status = 'pending'`, so a job another process finished in between is not taken.
    The caller finishes the jobs in the same transaction: a crash leaves them pending.
    """
    wanted = [jobs.c.status == PENDING, jobs.c.due_at <= now]
    if kinds is not None:
        wanted.append(jobs.c.kind.in_(list(kinds)))
    if skip:
        wanted.append(jobs.c.kind.not_in(list(skip)))
    candidates = select(jobs.c.id).where(*wanted).order_by(jobs.c.due_at, jobs.c.id).limit(limit)
    rows = claim(
        conn,
        jobs,
        candidates,
        None,
        now,
        working=WORKING,
        guard=jobs.c.status == PENDING,
        returning=(
            jobs.c.id,
            jobs.c.kind,
            jobs.c.key,
            jobs.c.contact_id,
            jobs.c.workshop_id,
            jobs.c.due_at,
        ),
    )
    return sorted(
        (Job(r.id, r.kind, r.key, r.contact_id, r.workshop_id, r.due_at) for r in rows),
        key=lambda j: (j.due_at, j.id),
    )


def running(kind: str | None = None) -> Select[tuple[int | None, int | None]]:
    """(contact, workshop) of the jobs this transaction claimed, to join on."""
    stmt = select(jobs.c.contact_id, jobs.c.workshop_id).where(jobs.c.status == RUNNING)
    return stmt.where(jobs.c.kind == kind) if kind else stmt


def finish(conn: Connection, finished: Sequence[Finished], now: datetime) -> None:
    final = [f for f in finished if f.status != "pending"]
    again = [f for f in finished if f.status == "pending"]
    by_id = jobs.c.id == bindparam("jid")
    if final:
        conn.execute(
            update(jobs)
            .where(by_id)
            .values(status=bindparam("v_status"), note=bindparam("v_note"), done_at=now),
            [{"jid": f.id, "v_status": f.status, "v_note": f.note} for f in final],
        )
    if again:
        conn.execute(
            update(jobs)
            .where(by_id)
            .values(status="pending", due_at=bindparam("v_due"), note=None, done_at=None),
            [{"jid": f.id, "v_due": f.due_at} for f in again],
        )
