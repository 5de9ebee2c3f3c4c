"""The counts through the real dispatcher: messages in and out, not understood, guessed at
("did you mean"), requests for a person, by business day, channel and language; the
messages to review kept only for people who consented, and erased with them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.channels.recording import RecordingChannel
from bot.core.content import seed_if_empty
from bot.db.repos.privacy import erase_contact
from bot.db.session import Database
from bot.db.tables import activity, contacts, misunderstood
from bot.services import Services
from bot.settings import Settings
from tests.bot.conftest import Chat


@pytest.fixture
async def telegram(db: Database) -> AsyncIterator[Chat]:
    await seed_if_empty(db)
    services = Services(Settings(database_url=db.url), db=db)
    channel = RecordingChannel("telegram")
    await services.open()
    services.add_channel(channel)
    yield Chat(services, channel)
    if services.dispatcher is not None:
        await services.dispatcher.close()


async def rows(db: Database, table):  # type: ignore[no-untyped-def]
    async with db.connect() as conn:
        return (await conn.execute(select(table))).mappings().all()


async def test_a_conversation_is_counted_and_its_misunderstandings_kept(telegram: Chat) -> None:
    db = telegram.services.db
    # Consents (language "1", consent "1"), then two messages not understood and a guess.
    for text in ("bonjour", "1", "1", "xqzj wwvv", "blorb", "je veux apprendre"):
        await telegram.say("u1", text)
    # Refuses consent, then one message not understood.
    for text in ("bonjour", "1", "2", "xqzj wwvv"):
        await telegram.say("u2", text)
    [day] = await rows(db, activity)
    assert (day["channel"], day["lang"]) == ("telegram", "fr")
    assert day["messages_in"] == 10
    assert day["messages_out"] >= 10
    assert (day["not_understood"], day["low_confidence"], day["handovers"]) == (3, 1, 0)
    kept = await rows(db, misunderstood)
    assert [(r["kind"], r["text"]) for r in kept] == [
        ("not_understood", "xqzj wwvv"),
        ("not_understood", "blorb"),
        ("low_confidence", "je veux apprendre"),
    ]  # u2's message is counted, not kept
    assert kept[2]["guess"] == "learn_coop" and 0.4 <= kept[2]["confidence"] < 0.75
    assert {r["lang"] for r in kept} == {"fr"} and {r["channel"] for r in kept} == {"telegram"}

    async with db.connect() as conn:
        u1 = (await conn.execute(select(contacts.c.id).order_by(contacts.c.id))).scalars().first()
    assert u1 is not None
    await db.run(erase_contact, u1)
    assert await rows(db, misunderstood) == []
    [after] = await rows(db, activity)
    assert after == day  # the counts stay


async def test_a_misunderstanding_is_kept_under_the_conversation_s_language(
    telegram: Chat,
) -> None:
    """The NLU reads "qwerty azerty" as Tigrinya and "blorp zzz" as Dari: typed by someone
    who talks with the bot in French, they are French examples for nlu-export."""
    for text in ("bonjour", "1", "1", "qwerty azerty", "blorp zzz"):
        await telegram.say("u1", text)
    kept = await rows(telegram.services.db, misunderstood)
    assert [(r["text"], r["lang"]) for r in kept] == [("qwerty azerty", "fr"), ("blorp zzz", "fr")]


async def test_a_request_for_a_person_is_counted(telegram: Chat) -> None:
    for text in ("bonjour", "1", "1", "je veux parler a une personne"):
        await telegram.say("u3", text)
    [day] = await rows(telegram.services.db, activity)
    assert day["handovers"] == 1
