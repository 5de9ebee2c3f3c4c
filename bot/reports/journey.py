"""A contact's journey for their summary, in French: modules read, the eligibility outcome,
checklist steps, coops and their sales totals, workshop answers. Module and step titles
come from the shipped content and the catalog's French texts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.repos.sales import period as money_rows
from bot.db.tables import (
    checklist_progress,
    coops,
    eligibility_results,
    members,
    module_progress,
    rsvps,
    sales,
    workshops,
)
from bot.reports.programme import OUTCOME_NAMES
from content.catalog import Catalog
from content.journeys import load_journeys

STEP_STATUS: Final = {"done": "fait", "not_yet": "pas encore", "help": "demande de l'aide"}
ANSWERS: Final = {"yes": "vient", "no": "ne vient pas"}


@dataclass(frozen=True)
class Titles:
    """Module and step ids -> their French titles."""

    modules: dict[str, str]
    steps: dict[str, str]

    @classmethod
    def of(cls, catalog: Catalog) -> Titles:
        shipped = _shipped()

        def french(key: str, fallback: str) -> str:
            return catalog.text(key, "fr") if catalog.has(key, "fr") else fallback

        return cls(
            {m.id: french(m.title, m.id) for m in shipped.modules},
            {s.id: french(s.title, s.id) for s in shipped.checklists},
        )


@cache
def _shipped():  # type: ignore[no-untyped-def]
    return load_journeys()


@dataclass(frozen=True)
class CoopPart:
    name: str
    joined_at: datetime
    sales: int  # rows, corrections included
    cents: int  # total, VAT included

    @property
    def euros(self) -> str:
        """ "1 234,50" (French), from the cents."""
        sign, cents = ("-" if self.cents < 0 else ""), abs(self.cents)
        return f"{sign}{cents // 100:,}".replace(",", "\u202f") + f",{cents % 100:02d}"


@dataclass(frozen=True)
class WorkshopAnswer:
    title: str
    starts_at: datetime
    answer: str  # in French
    attended: bool | None


@dataclass(frozen=True)
class Journey:
    modules_done: tuple[str, ...]
    modules_started: tuple[tuple[str, int], ...]  # title, messages read
    outcome: str | None  # in French; kept only with consent
    decided_at: datetime | None
    steps: tuple[tuple[str, str], ...]  # title, status in French
    coops: tuple[CoopPart, ...]
    workshops: tuple[WorkshopAnswer, ...]

    @property
    def empty(self) -> bool:
        return not (
            self.modules_done
            or self.modules_started
            or self.outcome
            or self.steps
            or self.coops
            or self.workshops
        )


async def read_journey(conn: AsyncConnection, contact_id: int, titles: Titles) -> Journey:
    done, started = [], []
    for r in await conn.execute(
        select(module_progress.c.module_id, module_progress.c.position, module_progress.c.done_at)
        .where(module_progress.c.contact_id == contact_id)
        .order_by(module_progress.c.updated_at)
    ):
        title = titles.modules.get(r.module_id, r.module_id)
        if r.done_at is not None:
            done.append(title)
        else:
            started.append((title, int(r.position)))
    kept = (
        await conn.execute(
            select(eligibility_results.c.outcome, eligibility_results.c.decided_at).where(
                eligibility_results.c.contact_id == contact_id
            )
        )
    ).first()
    order = list(titles.steps)
    steps = sorted(
        await conn.execute(
            select(checklist_progress.c.step_id, checklist_progress.c.status).where(
                checklist_progress.c.contact_id == contact_id
            )
        ),
        key=lambda r: order.index(r.step_id) if r.step_id in order else len(order),
    )
    parts = await conn.execute(
        select(
            coops.c.name,
            members.c.joined_at,
            func.count(sales.c.id),
            func.coalesce(func.sum(sales.c.amount_cents), 0),
        )
        .select_from(
            members.join(coops, coops.c.id == members.c.coop_id).outerjoin(
                sales, (sales.c.member_id == members.c.id) & money_rows(None, None, None)[0]
            )
        )
        .where(members.c.contact_id == contact_id)
        .group_by(coops.c.name, members.c.joined_at)
        .order_by(members.c.joined_at)
    )
    answers = await conn.execute(
        select(workshops.c.titles, workshops.c.starts_at, rsvps.c.answer, rsvps.c.attended)
        .join(workshops, workshops.c.id == rsvps.c.workshop_id)
        .where(rsvps.c.contact_id == contact_id)
        .order_by(workshops.c.starts_at)
    )
    return Journey(
        tuple(done),
        tuple(started),
        OUTCOME_NAMES.get(kept.outcome, kept.outcome) if kept else None,
        kept.decided_at if kept else None,
        tuple(
            (titles.steps.get(s.step_id, s.step_id), STEP_STATUS.get(s.status, s.status))
            for s in steps
        ),
        tuple(CoopPart(name, joined, int(n), int(cents)) for name, joined, n, cents in parts),
        tuple(
            WorkshopAnswer(t.get("fr") or next(iter(t.values()), ""), at, ANSWERS.get(a, a), came)
            for t, at, a, came in answers
        ),
    )
