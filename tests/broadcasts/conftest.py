"""Contacts written straight into the test database, and a broadcast service on it with a
clock outside quiet hours."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, insert, text

from bot.broadcasts.service import BroadcastService
from bot.db.repos.broadcasts import stop_broadcasts
from bot.db.session import Database
from bot.db.tables import contacts, identities
from bot.settings import Settings
from content.translate import NoTranslator

# Wednesday 2 December 2026, 10:00 in Paris (09:00 UTC): outside quiet hours.
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
_addresses = itertools.count(1)


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@dataclass(frozen=True)
class Person:
    """A contact to create: where they are, what they said, and what they chose."""

    lang: str = "fr"
    channel: str = "telegram"
    consent: bool | None = True
    stopped: bool = False
    unreachable: bool = False
    # Hours since their last message (WhatsApp's window); None: never wrote.
    wrote_hours_ago: float | None = 1.0
    also: tuple[tuple[str, float | None], ...] = field(default=())  # other identities


def address(channel: str, n: int) -> str:
    return f"+336{n:08d}" if channel == "whatsapp" else str(7_100_000 + n)


def add_people(conn: Connection, people: list[Person], now: datetime | None = None) -> list[int]:
    """Create the contacts (and their identities) in one transaction; their ids. Times
    are relative to `now`, the real time by default (the channels' clock)."""
    now = now or datetime.now(UTC)
    ids = []
    for p in people:
        cid = conn.execute(
            insert(contacts)
            .values(
                lang=p.lang,
                consent=p.consent,
                consent_at=now if p.consent else None,
                fields={},
                created_at=now - timedelta(days=30),
                last_seen_at=now,
            )
            .returning(contacts.c.id)
        ).scalar_one()
        for channel, hours, unreachable in (
            (p.channel, p.wrote_hours_ago, p.unreachable),
            *((c, h, False) for c, h in p.also),
        ):
            conn.execute(
                insert(identities).values(
                    contact_id=cid,
                    channel=channel,
                    address=address(channel, next(_addresses)),
                    last_inbound_at=None if hours is None else now - timedelta(hours=hours),
                    unreachable=unreachable,
                    created_at=now - timedelta(days=30),
                )
            )
        if p.stopped:
            stop_broadcasts(conn, cid, now)
        ids.append(int(cid))
    return ids


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(db: Database) -> Settings:
    return Settings(_env_file=None, database_url=db.url, timezone="Europe/Paris")  # type: ignore[call-arg]


@pytest.fixture
def service(db: Database, settings: Settings, clock: Clock) -> Iterator[BroadcastService]:
    yield BroadcastService(db, settings, clock=clock, translator=NoTranslator())


async def rows(db: Database, sql: str, **params: Any) -> list[Any]:
    async with db.connect() as conn:
        return list((await conn.execute(text(sql), params)).all())


# The tiny real Argos packages of the translation tests, and the conversation stack.
from tests.bot.conftest import chat  # noqa: E402, F401
from tests.content.conftest import argos_packages, install, models_dir  # noqa: E402, F401


def daytime_zone(now: datetime | None = None) -> str:
    """A time zone where it is now about noon: the runner never sleeps through quiet hours
    in tests that use the real clock (the channels check WhatsApp's window with it)."""
    hour = (now or datetime.now(UTC)).hour
    offset = 12 - hour  # hours ahead of UTC, -11..12
    if offset == 0:
        return "Etc/GMT"
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"  # POSIX signs are inverted
