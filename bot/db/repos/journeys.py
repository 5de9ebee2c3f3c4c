"""A contact's journeys: module progress, the eligibility outcome, checklist steps, and the
weekly nudge (on, off, when). Eligibility and checklist rows are answers: the callers keep
them only with consent, and withdrawing consent erases them (`erase_answers`)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Select, delete, insert, select, update

from bot.db.repos import jobs as jobs_repo
from bot.db.tables import (
    checklist_progress,
    eligibility_figures,
    eligibility_results,
    module_progress,
    preferences,
)
from bot.delivery.timing import next_nudge

STEP_STATUSES = ("done", "not_yet", "help")


@dataclass(frozen=True, slots=True)
class ModuleState:
    module_id: str
    position: int
    done: bool
    quiz_answer: str | None
    quiz_right: bool | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class EligibilityState:
    outcome: str
    answers: Mapping[str, str]
    decided_at: datetime


def _upsert(
    conn: Connection, table: Any, keys: Mapping[str, Any], values: Mapping[str, Any]
) -> None:
    where = [table.c[k] == v for k, v in keys.items()]
    if not conn.execute(update(table).where(*where).values(**values)).rowcount:
        conn.execute(insert(table).values(**keys, **values))


# --- learning ------------------------------------------------------------------------------


def modules(conn: Connection, contact_id: int) -> dict[str, ModuleState]:
    rows = conn.execute(select(module_progress).where(module_progress.c.contact_id == contact_id))
    return {
        r.module_id: ModuleState(
            r.module_id,
            r.position,
            r.done_at is not None,
            r.quiz_answer,
            r.quiz_right,
            r.updated_at,
        )
        for r in rows
    }


def record_module(
    conn: Connection,
    contact_id: int,
    module_id: str,
    *,
    now: datetime,
    position: int | None = None,
    quiz_answer: str | None = None,
    quiz_right: bool | None = None,
    done: bool = False,
) -> None:
    """Where the contact is in a module (`position`: messages shown), or that they finished
    it with this quiz answer."""
    values: dict[str, Any] = {"updated_at": now}
    if position is not None:
        values["position"] = position
    if done:
        values.update(done_at=now, quiz_answer=quiz_answer, quiz_right=quiz_right)
    keys = {"contact_id": contact_id, "module_id": module_id}
    if not conn.execute(update(module_progress).filter_by(**keys).values(**values)).rowcount:
        conn.execute(insert(module_progress).values(**keys, **{"position": 0, **values}))


# --- eligibility ---------------------------------------------------------------------------


def eligibility(conn: Connection, contact_id: int) -> EligibilityState | None:
    row = conn.execute(
        select(eligibility_results).where(eligibility_results.c.contact_id == contact_id)
    ).first()
    return EligibilityState(row.outcome, dict(row.answers), row.decided_at) if row else None


def _among(contact_ids: Collection[int] | Select[Any]) -> list[int] | Select[Any]:
    return contact_ids if isinstance(contact_ids, Select) else list(contact_ids)


def eligibilities(
    conn: Connection, contact_ids: Collection[int] | Select[Any]
) -> dict[int, EligibilityState]:
    rows = conn.execute(
        select(eligibility_results).where(eligibility_results.c.contact_id.in_(_among(contact_ids)))
    )
    return {r.contact_id: EligibilityState(r.outcome, dict(r.answers), r.decided_at) for r in rows}


def record_eligibility(
    conn: Connection, contact_id: int, outcome: str, answers: Mapping[str, str], now: datetime
) -> None:
    """Only call with consent: the outcome and the answers the checklist needs."""
    _upsert(
        conn,
        eligibility_results,
        {"contact_id": contact_id},
        {"outcome": outcome, "answers": dict(answers), "decided_at": now},
    )


def count_anonymously(
    conn: Connection, outcome: str, answers: Mapping[str, str], day: date
) -> None:
    """A line for the programme's anonymous figures: no contact, only the day."""
    conn.execute(
        insert(eligibility_figures).values(decided_on=day, outcome=outcome, answers=dict(answers))
    )


# --- checklist and nudges ------------------------------------------------------------------


def steps(conn: Connection, contact_id: int) -> dict[str, str]:
    """Step id -> done | not_yet | help."""
    rows = conn.execute(
        select(checklist_progress.c.step_id, checklist_progress.c.status).where(
            checklist_progress.c.contact_id == contact_id
        )
    )
    return {r.step_id: r.status for r in rows}


def steps_of(
    conn: Connection, contact_ids: Collection[int] | Select[Any]
) -> dict[int, dict[str, str]]:
    """Contact id -> step id -> status, for contacts with any step recorded."""
    out: dict[int, dict[str, str]] = {}
    for r in conn.execute(
        select(checklist_progress).where(checklist_progress.c.contact_id.in_(_among(contact_ids)))
    ):
        out.setdefault(r.contact_id, {})[r.step_id] = r.status
    return out


def record_step(
    conn: Connection, contact_id: int, step_id: str, status: str, now: datetime
) -> None:
    """Only call with consent."""
    if status not in STEP_STATUSES:
        raise ValueError(f"step status {status!r} is not one of {STEP_STATUSES}")
    _upsert(
        conn,
        checklist_progress,
        {"contact_id": contact_id, "step_id": step_id},
        {"status": status, "updated_at": now},
    )


def nudge_key(contact_id: int) -> str:
    return f"nudge:{contact_id}"


def nudges_on(conn: Connection, contact_ids: Collection[int] | Select[Any]) -> dict[int, bool]:
    """Contact id -> weekly nudges wanted, for contacts who set it (on unless switched off)."""
    rows = conn.execute(
        select(preferences.c.contact_id, preferences.c.weekly_nudges).where(
            preferences.c.contact_id.in_(_among(contact_ids))
        )
    )
    return {r.contact_id: bool(r.weekly_nudges) for r in rows}


def set_nudges(conn: Connection, contact_id: int, on: bool, now: datetime, tz: ZoneInfo) -> None:
    """Switch the weekly nudge off ("stop") or on again; off cancels the pending one."""
    _upsert(
        conn,
        preferences,
        {"contact_id": contact_id},
        {"weekly_nudges": on, "updated_at": now},
    )
    if on:
        schedule_nudge(conn, contact_id, now, tz)
    else:
        jobs_repo.cancel(conn, nudge_key(contact_id), now, "stopped by the contact")


def schedule_nudge(conn: Connection, contact_id: int, after: datetime, tz: ZoneInfo) -> None:
    """The next weekly nudge a week after `after` (the last time the person saw their
    steps), in daytime. The nudge itself checks, when due, that a step is still pending."""
    jobs_repo.put(
        conn,
        jobs_repo.NewJob("nudge", nudge_key(contact_id), next_nudge(after, tz), contact_id),
        after,
    )


def erase_answers(conn: Connection, contact_id: int, now: datetime) -> None:
    """Consent withdrawn: the eligibility outcome and checklist progress go, and so does
    the nudge that spoke of them."""
    conn.execute(delete(eligibility_results).where(eligibility_results.c.contact_id == contact_id))
    conn.execute(delete(checklist_progress).where(checklist_progress.c.contact_id == contact_id))
    jobs_repo.cancel(conn, nudge_key(contact_id), now, "consent withdrawn")
