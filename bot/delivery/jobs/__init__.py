"""What the scheduler does with each kind of due job: one module per kind, each a function
of the job and what the scheduler loaded for the batch, returning a `Decision`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.db.repos.jobs import Job
from bot.db.repos.journeys import EligibilityState
from bot.db.repos.reach import Reach
from bot.db.repos.workshops import WorkshopRow
from content.catalog import BASE_LANG, LANGS, Catalog

# (kept answers, outcome) -> the contact's checklist steps in order, as (step id, title key).
ChecklistSource = Callable[[Mapping[str, str], str | None], Sequence[tuple[str, str]]]


@dataclass(frozen=True, slots=True)
class Loaded:
    """What one scheduler batch read, so that each job costs no query of its own."""

    now: datetime
    tz: ZoneInfo
    catalog: Catalog
    reach: Mapping[int, Reach]
    workshops: Mapping[int, WorkshopRow]
    rsvps: Mapping[tuple[int, int], str]  # (workshop, contact) -> yes | no
    nudges_on: Mapping[int, bool]
    steps: Mapping[int, Mapping[str, str]]  # contact -> step id -> status
    eligibility: Mapping[int, EligibilityState]
    checklist: ChecklistSource | None
    # Reminders due together for one workshop and person (after a night or a stop): only
    # the latest goes; these are the others.
    superseded: frozenset[int] = frozenset()
    # (workshop, language) -> a facilitator's own words added to its reminders.
    notes: Mapping[tuple[int, str], str] = field(default_factory=dict)

    def lang(self, contact_id: int) -> str:
        who = self.reach.get(contact_id)
        return who.lang if who is not None and who.lang in LANGS else BASE_LANG


@dataclass(frozen=True, slots=True)
class Decision:
    status: str  # done | skipped | pending (due again at `due_at`)
    note: str | None = None
    text: str | None = None  # the message to send the job's contact
    due_at: datetime | None = None


JobHandler = Callable[[Job, Loaded], Decision]
JOBS: dict[str, JobHandler] = {}


def job(kind: str) -> Callable[[JobHandler], JobHandler]:
    def register(fn: JobHandler) -> JobHandler:
        if kind in JOBS:
            raise ValueError(f"two handlers for job kind {kind!r}")
        JOBS[kind] = fn
        return fn

    return register


def decide(item: Job, loaded: Loaded) -> Decision:
    handler = JOBS.get(item.kind)
    if handler is None:
        return Decision("skipped", f"unknown kind {item.kind}")
    if item.contact_id is None or item.contact_id not in loaded.reach:
        return Decision("skipped", "unreachable")
    return handler(item, loaded)


from bot.delivery.jobs import cancelled, nudge, reminder  # noqa: E402  (register on import)

__all__ = ["JOBS", "Decision", "Loaded", "cancelled", "decide", "job", "nudge", "reminder"]
