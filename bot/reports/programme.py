"""The journeys' and the coops' figures for a period: eligibility outcomes (anonymous lines
kept for everyone), checklist steps, coop members and sellers, sales totals in cents (by
day, member, product, payment method), and workshop answers and attendance (erased people's
kept as counts). Names of coops and workshops are not people's; members are ids."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.tables import (
    checklist_progress,
    coops,
    eligibility_figures,
    erased_attendance,
    members,
    rsvps,
    sales,
    workshops,
)
from bot.ledger.totals import totals
from bot.reports.period import Period

OUTCOME_NAMES: Final = {
    "ephemeral_culinary": "Coopérative éphémère culinaire",
    "ephemeral_textile": "Coopérative éphémère textile",
    "cae": "Coopérative d'activité et d'emploi (CAE)",
    "awareness": "D'abord la sensibilisation",
    "not_yet": "Pas encore",
}


@dataclass(frozen=True, slots=True)
class CoopFigures:
    """One coop in a period: members at its end (erased ones too: the ledger keeps their
    rows), members who recorded a sale in it, and the sales' total (VAT included)."""

    name: str
    members: int
    sellers: int
    cents: int
    rows: int


@dataclass(frozen=True, slots=True)
class WorkshopFigures:
    id: int
    title: str
    day: date  # in TIMEZONE
    coming: int  # answered "I'll come"
    attended: int  # marked as come


async def outcomes(conn: AsyncConnection, period: Period) -> dict[str, int]:
    """Eligibility checks decided in the period, by outcome."""
    found = await conn.execute(
        select(eligibility_figures.c.outcome, func.count())
        .where(eligibility_figures.c.decided_on.between(period.start, period.end))
        .group_by(eligibility_figures.c.outcome)
    )
    return {outcome: int(n) for outcome, n in found}


GENDERS: Final = ("woman", "man", "no_say")


async def genders(conn: AsyncConnection, period: Period) -> dict[str, int]:
    """Eligibility checks decided in the period, by what the person chose to say of their
    gender (the optional, anonymous question); "none" where they skipped it."""
    said = eligibility_figures.c.answers["gender"].as_string()
    found = await conn.execute(
        select(said, func.count())
        .where(eligibility_figures.c.decided_on.between(period.start, period.end))
        .group_by(said)
    )
    counts: Counter[str] = Counter()
    for gender, n in found:
        counts[gender if gender in GENDERS else "none"] += int(n)
    return {g: counts.get(g, 0) for g in (*GENDERS, "none")}


async def coop_figures(conn: AsyncConnection, period: Period, tz: ZoneInfo) -> list[CoopFigures]:
    """Every coop that had started by the period's end, by name."""
    _, after = period.bounds(tz)
    listed = (
        await conn.execute(
            select(coops.c.id, coops.c.name)
            .where(coops.c.starts_on <= period.end)
            .order_by(coops.c.name)
        )
    ).all()
    joined: dict[int, int] = {
        coop_id: int(n)
        for coop_id, n in await conn.execute(
            select(members.c.coop_id, func.count())
            .where(members.c.joined_at < after)
            .group_by(members.c.coop_id)
        )
    }

    def sums(sync: Connection, coop_id: int) -> tuple[int, int, int]:
        # The ledger's own sums: closed days from their rollup rows, open days from the rows.
        by_member = totals(
            sync, "member", coop_id=coop_id, start=period.start, end=period.end + timedelta(1)
        )
        sellers = sum(1 for t in by_member if t.rows)
        return sellers, sum(t.cents for t in by_member), sum(t.rows for t in by_member)

    out = []
    for coop_id, name in listed:
        sellers, cents, rows = await conn.run_sync(sums, coop_id)
        out.append(CoopFigures(name, joined.get(coop_id, 0), sellers, cents, rows))
    return out


async def workshop_figures(
    conn: AsyncConnection, period: Period, tz: ZoneInfo
) -> list[WorkshopFigures]:
    """Workshops held in the period (not cancelled), by time: who said they would come and
    who came, erased people among them."""
    first, after = period.bounds(tz)
    held = (
        await conn.execute(
            select(workshops.c.id, workshops.c.titles, workshops.c.starts_at)
            .where(
                workshops.c.starts_at >= first,
                workshops.c.starts_at < after,
                workshops.c.cancelled_at.is_(None),
            )
            .order_by(workshops.c.starts_at, workshops.c.id)
        )
    ).all()
    ids = [w.id for w in held]
    coming: Counter[int] = Counter()
    came: Counter[int] = Counter()
    if ids:
        for workshop_id, answer, attended in await conn.execute(
            select(rsvps.c.workshop_id, rsvps.c.answer, rsvps.c.attended).where(
                rsvps.c.workshop_id.in_(ids)
            )
        ):
            coming[workshop_id] += answer == "yes"
            came[workshop_id] += bool(attended)
        for workshop_id, n_coming, n_came in await conn.execute(
            select(
                erased_attendance.c.workshop_id,
                erased_attendance.c.coming,
                erased_attendance.c.attended,
            ).where(erased_attendance.c.workshop_id.in_(ids))
        ):
            coming[workshop_id] += n_coming
            came[workshop_id] += n_came
    return [
        WorkshopFigures(
            w.id,
            _title(w.titles),
            w.starts_at.astimezone(tz).date(),
            coming[w.id],
            came[w.id],
        )
        for w in held
    ]


def _title(titles: dict[str, str]) -> str:
    """The French title, else the first one given."""
    return titles.get("fr") or next(iter(titles.values()), "")


# --- the dashboard's reads -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Programme:
    """What the dashboard shows of the journeys and the coops for a period (and a coop)."""

    outcomes: dict[tuple[date, str], int]  # (day, outcome) -> eligibility checks
    steps: dict[str, Counter[str]]  # step id -> status -> people (consented, now)
    coops: tuple[str, ...]  # every coop's name, for the filter
    sales: dict[str, dict[str, dict[object, int]]]  # coop -> dimension -> key -> cents
    joined: int  # coop members who joined in the period
    first_sales: int  # members whose first sale is in the period
    workshops: tuple[WorkshopFigures, ...]


async def read_programme(
    conn: AsyncConnection, period: Period, tz: ZoneInfo, coop: str | None = None
) -> Programme:
    first, after = period.bounds(tz)
    outcomes_by_day: dict[tuple[date, str], int] = {
        (day, outcome): int(n)
        for day, outcome, n in await conn.execute(
            select(eligibility_figures.c.decided_on, eligibility_figures.c.outcome, func.count())
            .where(eligibility_figures.c.decided_on.between(period.start, period.end))
            .group_by(eligibility_figures.c.decided_on, eligibility_figures.c.outcome)
        )
    }
    steps: dict[str, Counter[str]] = {}
    for step_id, status, n in await conn.execute(
        select(checklist_progress.c.step_id, checklist_progress.c.status, func.count()).group_by(
            checklist_progress.c.step_id, checklist_progress.c.status
        )
    ):
        steps.setdefault(step_id, Counter())[status] += int(n)
    listed = (await conn.execute(select(coops.c.id, coops.c.name).order_by(coops.c.name))).all()
    chosen = [(i, name) for i, name in listed if coop is None or name == coop]
    dims = ("day", "member", "product", "payment") if coop else ("day", "payment")

    def sums(sync: Connection) -> dict[str, dict[str, dict[object, int]]]:
        end = period.end + timedelta(1)
        return {
            name: {
                by: {
                    t.key: t.cents
                    for t in totals(sync, by, coop_id=coop_id, start=period.start, end=end)  # type: ignore[arg-type]
                }
                for by in dims
            }
            for coop_id, name in chosen
        }

    ids = [i for i, _ in chosen]
    joined = (
        await conn.execute(
            select(func.count()).where(
                members.c.joined_at >= first,
                members.c.joined_at < after,
                members.c.coop_id.in_(ids),
            )
        )
    ).scalar_one()
    # A member's first row is a sale (corrections come after what they correct): the
    # earliest business date per member, one index seek each (member_id, business_date).
    first_day = (
        select(func.min(sales.c.business_date))
        .where(sales.c.member_id == members.c.id)
        .scalar_subquery()
    )
    first_sales = (
        await conn.execute(
            select(func.count())
            .select_from(members)
            .where(members.c.coop_id.in_(ids), first_day.between(period.start, period.end))
        )
    ).scalar_one()
    return Programme(
        outcomes_by_day,
        steps,
        tuple(name for _, name in listed),
        await conn.run_sync(sums),
        int(joined),
        int(first_sales),
        tuple(await workshop_figures(conn, period, tz)),
    )
