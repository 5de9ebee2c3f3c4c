"""The coops' daily jobs, run by the scheduler: the end-of-day reminder to members who logged
nothing that day (and want it), and the nightly closing of the business days that are due.

One job per coop and kind ("sales_remind:<coop>", "sales_close:<coop>"), moved on to its
next day in the transaction that does the work: a day is reminded and closed once, however
many schedulers run, and a crash before the commit leaves the job due. One coop per
transaction: a closing locks the coop's chain, and a transaction never holds two. Days are
TIMEZONE's calendar days (`local_instant`), so 23- and 25-hour days need no special case.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.db.repos import conversations
from bot.db.repos import coops as coops_repo
from bot.db.repos import jobs as jobs_repo
from bot.db.repos.reach import reach
from bot.db.tables import jobs, members
from bot.delivery import outbox
from bot.delivery.payload import Payload
from bot.ledger.calendar import business_date, closable_through, local_instant
from bot.ledger.journal import close_due
from bot.ledger.totals import silent_members
from content.catalog import BASE_LANG, LANGS, Catalog
from flows.sale_text import example_text

REMIND = "sales_remind"
CLOSE = "sales_close"
KINDS = (REMIND, CLOSE)
QUIET_KINDS = (CLOSE,)  # closings send nothing: they run at night too
MIDNIGHT = time(0, 0)
PURPOSE = "reminder"  # WhatsApp template purpose outside the 24-hour window


def ensure(conn: Connection, now: datetime, tz: ZoneInfo) -> int:
    """Give every coop its two jobs: the closing due now (it closes what is due, then finds
    its next night), the reminder at its next time. A coop that has them already (pending
    or finished) is left alone. Returns how many were added."""
    known = set(conn.execute(select(jobs.c.key).where(jobs.c.kind.in_(KINDS))).scalars())
    rows = [
        {"kind": kind, "key": key, "due_at": due, "status": "pending", "created_at": now}
        for coop in coops_repo.all_coops(conn)
        for kind, key, due in (
            (CLOSE, f"{CLOSE}:{coop.id}", now),
            (REMIND, f"{REMIND}:{coop.id}", next_reminder(coop, now, tz, now_too=True)),
        )
        if key not in known
    ]
    if not rows:
        return 0
    # Another scheduler may add them at the same moment: its rows stay, ours are dropped.
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(jobs).on_conflict_do_nothing(index_elements=["key"]), rows)
    return len(rows)


def reschedule(conn: Connection, coop_id: int, now: datetime, tz: ZoneInfo) -> None:
    """The coop's dates or reminder time were changed: its jobs start again from `now`, so a
    coop extended after its jobs finished gets them back, and a new reminder time counts
    from today. (A scheduler working on a job meanwhile holds its row: this waits for it.)"""
    coop = coops_repo.coop_by_id(conn, coop_id)
    if coop is None:
        return
    for kind, due in ((CLOSE, now), (REMIND, next_reminder(coop, now, tz))):
        conn.execute(
            update(jobs)
            .where(jobs.c.key == f"{kind}:{coop.id}")
            .values(status="pending", due_at=due, note=None, done_at=None)
        )


def next_reminder(
    coop: coops_repo.CoopRow, now: datetime, tz: ZoneInfo, *, now_too: bool = False
) -> datetime:
    """The coop's first reminder time after `now` (or at `now`), from its first day on."""
    day = max(business_date(now, tz), coop.starts_on)
    at = local_instant(day, coop.reminder_at, tz)
    if at > now or (now_too and at == now):
        return at
    return local_instant(day + timedelta(days=1), coop.reminder_at, tz)


def next_midnight(now: datetime, tz: ZoneInfo) -> datetime:
    return local_instant(business_date(now, tz) + timedelta(days=1), MIDNIGHT, tz)


def run_one(
    conn: Connection, now: datetime, tz: ZoneInfo, catalog: Catalog, kinds: Collection[str]
) -> tuple[int, int]:
    """Claim one due coop job of `kinds` and do it, in the caller's transaction. Returns
    (jobs claimed, messages queued)."""
    due = jobs_repo.claim_due(conn, now, 1, kinds=kinds)
    if not due:
        return 0, 0
    item = due[0]  # never more than the limit (bot/delivery/claims.py: chosen, then taken)
    coop = coops_repo.coop_by_id(conn, int(item.key.partition(":")[2]))
    sent = 0
    if coop is None:
        done = jobs_repo.Finished(item.id, "skipped", "no such coop")
    elif item.kind == REMIND:
        done, sent = _remind(conn, item, coop, now, tz, catalog)
    else:
        done = _close(conn, item, coop, now, tz)
    jobs_repo.finish(conn, [done], now)
    return 1, sent


def _remind(
    conn: Connection,
    item: jobs_repo.Job,
    coop: coops_repo.CoopRow,
    now: datetime,
    tz: ZoneInfo,
    catalog: Catalog,
) -> tuple[jobs_repo.Finished, int]:
    today = business_date(now, tz)
    if coop.ends_on is not None and today > coop.ends_on:
        return jobs_repo.Finished(item.id, "done", "coop over"), 0
    sent = 0
    # A job claimed on a later day (the scheduler was stopped, or the time fell in quiet
    # hours) says nothing: "nothing logged today" the next morning would be wrong.
    due_today = local_instant(today, coop.reminder_at, tz)
    if business_date(item.due_at, tz) == today and today >= coop.starts_on and due_today <= now:
        sent = _queue_reminders(conn, coop, today, now, catalog)
    return jobs_repo.Finished(item.id, "pending", due_at=next_reminder(coop, now, tz)), sent


def _queue_reminders(
    conn: Connection, coop: coops_repo.CoopRow, today: date, now: datetime, catalog: Catalog
) -> int:
    silent = silent_members(conn, coop.id, today)
    if not silent:
        return 0
    who = reach(conn, select(members.c.contact_id).where(members.c.id.in_(silent)))
    rows: list[outbox.OutboxRow] = []
    logged: list[conversations.MessageRow] = []
    first = next(iter(coops_repo.products_of(conn, coop.id)), None)
    for r in sorted(who.values(), key=lambda r: r.contact_id):
        lang = r.lang if r.lang in LANGS else BASE_LANG
        example = example_text(
            catalog, lang, first.name if first else None, first.default_price_cents if first else 0
        )
        text = catalog.text("sales.reminder", lang, example=example)
        rows.append(
            outbox.OutboxRow(
                r.contact_id,
                r.channel,
                r.address,
                Payload(text, lang),
                now,
                PURPOSE,
                priority=outbox.Priority.REMINDER,
            )
        )
        logged.append(conversations.MessageRow(r.contact_id, "out", r.channel, text, lang, now))
    outbox.enqueue(conn, rows)
    conversations.add_messages(conn, logged)
    return len(rows)


def _close(
    conn: Connection, item: jobs_repo.Job, coop: coops_repo.CoopRow, now: datetime, tz: ZoneInfo
) -> jobs_repo.Finished:
    closed = close_due(conn, coop.id, now=now, tz=tz)
    if coop.ends_on is not None and closable_through(now, tz) >= coop.ends_on:
        return jobs_repo.Finished(item.id, "done", f"closed through {coop.ends_on}")
    note = f"{len(closed)} days closed"
    return jobs_repo.Finished(item.id, "pending", note, next_midnight(now, tz))
