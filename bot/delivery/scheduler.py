"""The scheduler: due reminders, cancellation notices and weekly nudges, claimed exactly once
across processes, rendered in each contact's language and queued through the outbox; and
the coops' daily jobs (bot/delivery/coop_jobs.py: sales reminder, nightly closing).

One tick is one transaction: claim the due jobs (SKIP LOCKED on PostgreSQL), read what
they need in a few queries, queue their messages and record each job's outcome. A crash
before the commit leaves the jobs pending; after it, the outbox delivers. Nothing is
claimed between 21:00 and 08:00 (TIMEZONE): due work waits for the morning; closings,
which send nothing, run at night too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, select

from bot.core.messages import TemplateRef
from bot.db.repos import conversations, journeys, reminder_notes, workshops
from bot.db.repos import jobs as jobs_repo
from bot.db.repos.jobs import RUNNING
from bot.db.repos.reach import reach
from bot.db.repos.templates import Template, templates_for
from bot.db.session import Database
from bot.db.tables import jobs, rsvps
from bot.delivery import coop_jobs, outbox
from bot.delivery.jobs import ChecklistSource, Loaded, decide
from bot.delivery.payload import Payload
from bot.delivery.timing import is_quiet
from content.catalog import Catalog
from content.dates import warm_up

log = logging.getLogger(__name__)

BATCH = 50  # jobs per transaction: a tick stays well under 100 ms (bench/scheduler.py)
INTERVAL = 30.0  # seconds between ticks when nothing was due
PURPOSE = "reminder"  # WhatsApp template purpose outside the 24-hour window


@dataclass(frozen=True, slots=True)
class TickResult:
    claimed: int
    sent: int


def run_tick(
    conn: Connection,
    now: datetime,
    tz: ZoneInfo,
    catalog: Catalog,
    checklist: ChecklistSource | None = None,
    limit: int = BATCH,
) -> TickResult:
    """One batch of due jobs, inside the caller's transaction."""
    found = find_due(conn, now, tz, catalog, checklist, limit)
    return handle_due(conn, *found) if found else TickResult(0, 0)


def find_due(
    conn: Connection,
    now: datetime,
    tz: ZoneInfo,
    catalog: Catalog,
    checklist: ChecklistSource | None = None,
    limit: int = BATCH,
) -> tuple[list[jobs_repo.Job], Loaded] | None:
    """Claim due jobs and read what they need, each in one query joined on the claimed
    jobs (no long id lists); None when nothing is due."""
    due = jobs_repo.claim_due(conn, now, limit, skip=coop_jobs.KINDS)  # one coop at a time
    if not due:
        return None
    loaded = Loaded(
        now=now,
        tz=tz,
        catalog=catalog,
        reach=reach(conn, _CLAIMED_CONTACTS),
        workshops=workshops.by_ids(conn, _CLAIMED_WORKSHOPS),
        rsvps=_rsvps(conn),
        nudges_on=journeys.nudges_on(conn, _NUDGED),
        steps=journeys.steps_of(conn, _NUDGED),
        eligibility=journeys.eligibilities(conn, _NUDGED),
        checklist=checklist,
        superseded=_superseded(due),
        notes=reminder_notes.notes_for(conn, _CLAIMED_WORKSHOPS),
    )
    return due, loaded


def handle_due(conn: Connection, due: list[jobs_repo.Job], loaded: Loaded) -> TickResult:
    """Decide each job, queue the messages, record what became of every job."""
    now = loaded.now
    finished: list[jobs_repo.Finished] = []
    rows: list[outbox.OutboxRow] = []
    logged: list[conversations.MessageRow] = []
    # Outside WhatsApp's window only an approved template goes: those in the database
    # first (per language), TWILIO_TEMPLATES otherwise (the channel's fallback).
    wa_langs = {loaded.lang(c) for c, who in loaded.reach.items() if who.channel == "whatsapp"}
    approved = templates_for(conn, PURPOSE, wa_langs) if wa_langs else {}
    for item in due:
        decision = decide(item, loaded)
        finished.append(
            jobs_repo.Finished(item.id, decision.status, decision.note, decision.due_at)
        )
        if decision.text is None or item.contact_id is None:
            continue
        who = loaded.reach[item.contact_id]
        lang = loaded.lang(item.contact_id)
        rows.append(
            outbox.OutboxRow(
                who.contact_id,
                who.channel,
                who.address,
                Payload(
                    decision.text,
                    lang,
                    template=_filled(approved, who.channel, lang, decision.text),
                ),
                now,
                purpose=PURPOSE,
                priority=outbox.Priority.REMINDER,
            )
        )
        logged.append(
            conversations.MessageRow(who.contact_id, "out", who.channel, decision.text, lang, now)
        )
    outbox.enqueue(conn, rows)
    conversations.add_messages(conn, logged)
    jobs_repo.finish(conn, finished, now)
    return TickResult(len(due), len(rows))


def _filled(
    approved: dict[str, Template], channel: str, lang: str, text: str
) -> TemplateRef | None:
    found = approved.get(lang) if channel == "whatsapp" else None
    return found.filled({"text": text}) if found is not None else None


def _superseded(due: list[jobs_repo.Job]) -> frozenset[int]:
    latest: dict[tuple[int | None, int | None], jobs_repo.Job] = {}
    for item in due:
        if item.kind != "reminder":
            continue
        pair = (item.workshop_id, item.contact_id)
        if pair not in latest or item.due_at >= latest[pair].due_at:
            latest[pair] = item
    kept = {j.id for j in latest.values()}
    return frozenset(j.id for j in due if j.kind == "reminder" and j.id not in kept)


# Built once: constructing these costs more than running them.
_CLAIMED = jobs_repo.running().subquery("claimed")
_CLAIMED_CONTACTS = select(_CLAIMED.c.contact_id)
_CLAIMED_WORKSHOPS = select(_CLAIMED.c.workshop_id)
_NUDGED = select(jobs.c.contact_id).where(jobs.c.status == RUNNING, jobs.c.kind == "nudge")
_RSVPS = select(rsvps.c.workshop_id, rsvps.c.contact_id, rsvps.c.answer).join(
    _CLAIMED,
    and_(
        _CLAIMED.c.workshop_id == rsvps.c.workshop_id, _CLAIMED.c.contact_id == rsvps.c.contact_id
    ),
)


def _rsvps(conn: Connection) -> dict[tuple[int, int], str]:
    return {(r.workshop_id, r.contact_id): r.answer for r in conn.execute(_RSVPS)}


class Scheduler:
    """The loop: a tick now and then, more at once while a batch comes back full."""

    def __init__(
        self,
        db: Database,
        catalog: Callable[[], Catalog],
        tz: ZoneInfo,
        *,
        checklist: ChecklistSource | None = None,
        on_enqueue: Callable[[], None] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        interval: float = INTERVAL,
        batch: int = BATCH,
    ) -> None:
        self.db, self.catalog, self.tz = db, catalog, tz
        self.checklist, self.on_enqueue, self.clock = checklist, on_enqueue, clock
        self.interval, self.batch = interval, batch

    async def tick(self) -> TickResult:
        """One batch; nothing at night (21:00–08:00 local) but closings, when due work waits."""
        now = self.clock()
        quiet = is_quiet(now, self.tz)
        coops = await self._coop_jobs(now, coop_jobs.QUIET_KINDS if quiet else coop_jobs.KINDS)
        result = coops
        if not quiet:
            found = await self.db.run(
                run_tick, now, self.tz, self.catalog(), self.checklist, self.batch
            )
            result = TickResult(found.claimed + coops.claimed, found.sent + coops.sent)
        if result.sent and self.on_enqueue is not None:
            self.on_enqueue()
        return result

    async def _coop_jobs(self, now: datetime, kinds: tuple[str, ...]) -> TickResult:
        """The coops' due daily jobs, one transaction each (up to a batch per tick)."""
        await self.db.run(coop_jobs.ensure, now, self.tz)
        claimed = sent = 0
        catalog = self.catalog()
        for _ in range(self.batch):
            one, queued = await self.db.run(coop_jobs.run_one, now, self.tz, catalog, kinds)
            if not one:
                break
            claimed, sent = claimed + one, sent + queued
        return TickResult(claimed, sent)

    async def drain(self) -> int:
        """Ticks until nothing is due (tests, tools). Returns the jobs handled."""
        total = 0
        while (claimed := (await self.tick()).claimed) > 0:
            total += claimed
        return total

    async def run_forever(self) -> None:
        await asyncio.to_thread(warm_up)
        while True:
            try:
                result = await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("scheduler tick failed")
                result = TickResult(0, 0)
            if result.claimed >= self.batch:
                continue
            await asyncio.sleep(self.interval)
