"""The stop and start words through the real dispatcher, engine and NLU, in every language:
the choice is stored, the reply is in the person's language, and what was waiting for
them in the outbox does not go."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from bot.broadcasts.audience import Audience
from bot.broadcasts.runner import BroadcastRunner
from bot.broadcasts.service import BroadcastService
from bot.db.session import Database
from bot.db.tables import identities
from bot.settings import Settings
from tests.bot.conftest import Chat
from tests.broadcasts.conftest import Person, add_people, daytime_zone, rows

WORDS = {
    "fr": ("STOP", "reprendre"),
    "ar": ("توقف", "ابدأ"),
    "prs": ("بس کن", "شروع"),
    "ti": ("ኣቋርጽ", "ጀምር"),
}


@pytest.mark.parametrize("lang", list(WORDS))
async def test_stop_and_start_again(db: Database, chat: Chat, lang: str) -> None:
    [cid] = await db.run(add_people, [Person(lang, channel=chat.channel.name)])
    [(address,)] = await rows(db, "SELECT address FROM channel_identities")
    catalog = chat.services.text
    stop, start = WORDS[lang]

    replies = await chat.say(address, stop)
    # One word stops the weekly nudges and the broadcasts, and says both.
    assert [m.text for m in replies] == [
        catalog("steps.nudge_stopped", lang),
        catalog("broadcasts.stopped", lang),
    ]
    assert all(m.lang == lang for m in replies)
    assert await rows(db, "SELECT contact_id FROM broadcast_stops") == [(cid,)]

    replies = await chat.say(address, start)
    assert [m.text for m in replies] == [catalog("broadcasts.started", lang)]
    assert await rows(db, "SELECT contact_id FROM broadcast_stops") == []


async def test_stop_drops_what_waits_in_the_outbox(db: Database, chat: Chat) -> None:
    [cid] = await db.run(add_people, [Person("fr", channel="telegram")])
    # The same person also writes through the test channel (the conversation's channel).
    async with db.begin() as conn:
        await conn.execute(
            insert(identities).values(
                contact_id=cid, channel=chat.channel.name, address="u-stop", unreachable=False
            )
        )
    settings = Settings(_env_file=None, database_url=db.url, timezone=daytime_zone())  # type: ignore[call-arg]
    service = BroadcastService(db, settings, channels=("telegram",))
    created = await service.new(texts={"fr": "Atelier demain"}, audience=Audience(), by="n")
    runner = BroadcastRunner(db, settings)
    assert await runner.run_once() == 1  # in the outbox, not sent (no Telegram here)
    await chat.say("u-stop", "stop")
    pending = await rows(db, "SELECT id FROM outbox WHERE purpose = 'broadcast'")
    assert pending == []
    progress = await service.progress(created.id, with_reasons=True)
    assert progress.counts["skipped"] == 1
    assert progress.reasons == (("skipped", "stopped broadcasts", 1),)
