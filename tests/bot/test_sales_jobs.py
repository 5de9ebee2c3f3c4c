"""The coops' daily jobs through the real scheduler: the evening reminder to members who
logged nothing (in their language, once per day even with two schedulers at work, never the
next morning), and the nightly closing of the day before yesterday, in Paris time across
daylight-saving changes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import Connection, select

from bot.db.repos import conversations as repo
from bot.db.repos import coops as coops_repo
from bot.db.session import Database
from bot.db.tables import jobs
from bot.delivery.scheduler import Scheduler
from bot.ledger.coops import CoopSpec, ProductSpec, create_coop, join
from bot.ledger.recording import SaleEntry, record_sale
from bot.ledger.rules import Actor
from tests.bot.conftest import PARIS, Scheduled, paris, scheduled

LANGS = ("fr", "ar", "prs", "ti")
# The first words of each language's reminder (content/locales/sales.<lang>.yaml).
REMINDER_STARTS = {"fr": "🔔 Bonsoir", "ar": "🔔", "prs": "🔔", "ti": "🔔"}


@dataclass
class Coop(Scheduled):
    coop_id: int
    members: dict[str, int]  # address -> member id
    contacts: dict[str, int]  # address -> contact id

    def another_scheduler(self) -> Scheduler:
        return Scheduler(self.db, self.services.catalog, PARIS, clock=self.clock)

    async def sell(self, address: str, cents: int, when: str, day: date | None = None) -> None:
        member = self.members[address]
        entry = SaleEntry(self.coop_id, member, "repas", 1, cents, day=day)
        await self.db.run(
            lambda c: record_sale(c, entry, Actor.member(member), now=paris(when), tz=PARIS)
        )


async def open_coop(
    db: Database, start: str, *, ends_on: date | None = None, langs: tuple[str, ...] = LANGS
) -> AsyncIterator[Coop]:
    def build(conn: Connection) -> tuple[int, dict[str, int], dict[str, int]]:
        now = paris(start)
        spec = CoopSpec(
            name="Cuisine du monde",
            kind="culinary",
            products=(ProductSpec("repas", 800, 1000),),
            starts_on=date(2026, 1, 1),
            ends_on=ends_on,
            reminder_at=time(19, 0),
        )
        coop = create_coop(conn, spec, now=now, tz=PARIS).coop
        made = repo.create_contacts(conn, [("test", lang, lang) for lang in langs], now)
        contacts = {lang: made[("test", lang)].id for lang in langs}
        members = {
            a: join(conn, coop.invite_code, c, now=now, tz=PARIS).member.id
            for a, c in contacts.items()
        }
        return coop.id, members, contacts

    async with scheduled(db, start) as stack:
        coop_id, members, contacts = await db.run(build)
        yield Coop(stack.services, stack.channel, stack.clock, coop_id, members, contacts)


@pytest.fixture
async def coop(db: Database) -> AsyncIterator[Coop]:
    async for c in open_coop(db, "2026-11-02 10:00"):
        yield c


async def test_reminder_at_seven_to_the_silent_members_in_their_language(coop: Coop) -> None:
    await coop.sell("fr", 4000, "2026-11-02 12:00")
    await coop.db.run(lambda c: coops_repo.set_reminders(c, coop.members["ar"], False))
    assert await coop.at("2026-11-02 18:59") == []
    sent = dict(await coop.at("2026-11-02 19:00"))
    assert set(sent) == {"prs", "ti"}  # fr logged a sale, ar switched the reminder off
    catalog = coop.services.catalog()
    for lang in ("prs", "ti"):
        assert sent[lang] == catalog.text("sales.reminder", lang)
    assert await coop.at("2026-11-02 20:30") == []  # once a day
    # The next day: everyone who logged nothing that day (fr too), still not ar.
    assert await coop.at("2026-11-03 12:00") == []
    assert sorted(a for a, _ in await coop.at("2026-11-03 19:05")) == ["fr", "prs", "ti"]
    logged = await coop.rows(
        "SELECT COUNT(*) FROM messages WHERE direction = 'out' AND text = :t",
        t=catalog.text("sales.reminder", "ti"),
    )
    assert logged[0][0] == 2  # in the message log, as the scheduler's other messages


async def test_two_schedulers_remind_each_member_once(coop: Coop) -> None:
    other = coop.another_scheduler()
    sent = await coop.at("2026-11-02 19:00", coop.scheduler, other)
    assert sorted(a for a, _ in sent) == sorted(LANGS)
    assert await coop.at("2026-11-02 19:01", coop.scheduler, other) == []
    outbox = await coop.rows("SELECT COUNT(*), MIN(purpose), MAX(purpose) FROM outbox")
    assert tuple(outbox[0]) == (4, "reminder", "reminder")
    sent = await coop.at("2026-11-03 19:00", other, coop.scheduler)
    assert sorted(a for a, _ in sent) == sorted(LANGS)


async def test_a_reminder_missed_in_the_evening_is_not_sent_the_next_morning(coop: Coop) -> None:
    # The scheduler was stopped from 18:00 to the next morning: "nothing logged today" on
    # Tuesday morning would be wrong about Monday, so nothing goes until Tuesday 19:00.
    assert await coop.at("2026-11-02 18:00") == []
    assert await coop.at("2026-11-03 08:30") == []
    assert len(await coop.at("2026-11-03 19:00")) == 4


async def test_a_sale_logged_for_today_before_seven_spares_the_reminder(coop: Coop) -> None:
    await coop.sell("ti", 1200, "2026-11-02 18:30")
    await coop.sell("ar", 1200, "2026-11-02 18:40", day=date(2026, 11, 1))  # for yesterday
    sent = await coop.at("2026-11-02 19:00")
    assert sorted(a for a, _ in sent) == ["ar", "fr", "prs"]


async def closings(coop: Coop) -> list[tuple[str, int, int]]:
    rows = await coop.rows(
        "SELECT business_date, sealed_cents, sealed_rows FROM sales "
        "WHERE kind = 'closing' ORDER BY business_date"
    )
    return [(str(r[0]), int(r[1]), int(r[2])) for r in rows]


async def test_nightly_closing_seals_the_day_once_the_next_is_over(coop: Coop) -> None:
    await coop.sell("fr", 4000, "2026-11-02 12:00")
    await coop.sell("ar", 2450, "2026-11-02 20:00")
    await coop.at("2026-11-03 23:59")  # Monday's next day is not over: Monday stays open
    assert await closings(coop) == []
    other = coop.another_scheduler()
    await coop.at("2026-11-04 00:00", coop.scheduler, other)  # at night, quiet hours or not
    assert await closings(coop) == [("2026-11-02", 6450, 2)]
    await coop.at("2026-11-04 00:30", other, coop.scheduler)
    await coop.at("2026-11-05 00:00", other)
    assert await closings(coop) == [("2026-11-02", 6450, 2)]  # a day with no sale: no row
    async with coop.db.connect() as conn:
        key = f"sales_close:{coop.coop_id}"
        job = (
            await conn.execute(select(jobs.c.status, jobs.c.due_at).where(jobs.c.key == key))
        ).one()
    assert job.status == "pending"
    assert _utc(job.due_at) == paris("2026-11-06 00:00")
    assert (await coop.rows("SELECT COUNT(*) FROM outbox"))[0][0] == 0  # closings say nothing


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "next_day", "closes_at"),
    [
        # Sunday 25 October 2026 has 25 hours (clocks go back), Sunday 29 March 23.
        ("2026-10-24", "2026-10-25", "2026-10-26"),
        ("2026-10-25", "2026-10-26", "2026-10-27"),
        ("2026-03-28", "2026-03-29", "2026-03-30"),
        ("2026-03-29", "2026-03-30", "2026-03-31"),
    ],
)
async def test_closing_across_daylight_saving_changes(
    db: Database, day: str, next_day: str, closes_at: str
) -> None:
    async for coop in open_coop(db, f"{day} 09:00", langs=("fr",)):
        await coop.at(f"{day} 09:00")
        await coop.sell("fr", 800, f"{day} 23:30")  # late, but still that business day
        await coop.sell("fr", 1600, f"{next_day} 00:30")  # the next business day
        await coop.at(f"{next_day} 23:59")
        assert await closings(coop) == []
        await coop.at(f"{closes_at} 00:00")
        assert await closings(coop) == [(day, 800, 1)]


async def test_the_jobs_of_a_coop_that_ended_finish(db: Database) -> None:
    async for coop in open_coop(db, "2026-11-02 10:00", ends_on=date(2026, 11, 3), langs=("fr",)):
        await coop.sell("fr", 4000, "2026-11-03 12:00")
        assert await coop.at("2026-11-04 19:00") == []  # the coop is over: no reminder
        await coop.at("2026-11-05 00:00")
        assert await closings(coop) == [("2026-11-03", 4000, 1)]
        jobs = await coop.rows("SELECT kind, status FROM scheduled_jobs ORDER BY kind")
        assert [tuple(j) for j in jobs] == [("sales_close", "done"), ("sales_remind", "done")]
