"""Hand-made people and counts on the test database, at chosen times: what the figures are
checked against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection

from bot.db.repos import activity
from bot.db.repos import conversations as repo
from bot.db.repos.privacy import erase_contact
from bot.db.session import Database

# Fixtures of the admin panel, its browser harness and the tiny Argos packages, on the same db.
from tests.admin.conftest import Panel, panel
from tests.admin.test_browser import browser, servers
from tests.content.conftest import argos_packages, install, models_dir

PARIS = ZoneInfo("Europe/Paris")


def at(text: str) -> datetime:
    """'2026-03-02 00:30' in Paris time, as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=PARIS).astimezone(UTC)


@dataclass
class People:
    db: Database

    async def add(
        self, address: str, *, channel: str, lang: str, when: str, consent: bool | None = None
    ) -> int:
        def create(conn: Connection) -> int:
            now = at(when)
            row = repo.create_contacts(conn, [(channel, address, lang)], now)[(channel, address)]
            row.lang, row.consent = lang, consent
            row.consent_at = now if consent is not None else None
            repo.save_contacts(conn, [row], now)
            return row.id

        return await self.db.run(create)

    async def erase(self, contact_id: int) -> None:
        await self.db.run(erase_contact, contact_id, tz=PARIS)

    async def activity(self, day: date, channel: str, lang: str, **counts: int) -> None:
        tally = activity.Tally()
        for measure, n in counts.items():
            tally.add(channel, lang, measure, n)
        await self.db.run(activity.add_counts, tally, day)


@pytest.fixture
def people(db: Database) -> People:
    return People(db)


async def march(people: People) -> dict[str, int]:
    """The week of 1-7 March 2026 (Paris), the week before, and a day after; ids by name."""
    ids = {}
    ids["a"] = await people.add(
        "tg-a", channel="telegram", lang="fr", when="2026-03-01 11:00", consent=True
    )
    # 00:30 in Paris on 2 March is still 1 March in UTC: counted on 2 March.
    for n in range(6):
        ids[f"ar{n}"] = await people.add(
            f"+3361000000{n}",
            channel="whatsapp",
            lang="ar",
            when="2026-03-02 00:30" if n == 0 else "2026-03-02 15:00",
            consent=n != 5,
        )
    ids["h"] = await people.add(
        "+33620000000", channel="whatsapp", lang="ti", when="2026-03-03 09:00"
    )
    ids["console"] = await people.add(
        "local", channel="console", lang="fr", when="2026-03-03 09:00", consent=True
    )
    ids["before"] = await people.add(
        "tg-j", channel="telegram", lang="prs", when="2026-02-27 18:00", consent=True
    )
    ids["after"] = await people.add("tg-k", channel="telegram", lang="fr", when="2026-03-08 00:30")
    await people.activity(
        date(2026, 3, 2),
        "whatsapp",
        "ar",
        messages_in=40,
        messages_out=52,
        not_understood=3,
        low_confidence=2,
        handovers=2,
    )
    await people.activity(
        date(2026, 3, 2), "telegram", "fr", messages_in=9, messages_out=11, handovers=1
    )
    await people.activity(date(2026, 3, 3), "whatsapp", "ti", messages_in=6, not_understood=4)
    await people.activity(date(2026, 3, 3), "console", "fr", messages_in=500, handovers=50)
    await people.activity(date(2026, 2, 25), "telegram", "prs", messages_in=7, handovers=6)
    return ids


__all__ = [
    "PARIS",
    "Panel",
    "People",
    "argos_packages",
    "at",
    "browser",
    "install",
    "march",
    "models_dir",
    "panel",
    "people",
    "servers",
]
