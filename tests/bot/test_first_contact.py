"""First contact through the whole host (dispatcher, real NLU, engine, database, outbox): what
the engine needs from the host — RETENTION_DAYS in the privacy notice, the previous
message's language, and an answer in all four languages before any language is known."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.channels.recording import RecordingChannel
from bot.core.content import seed_if_empty
from bot.core.messages import Attachment
from bot.db.models import Contact, HandoverTicket
from bot.db.session import Database
from bot.services import Services
from bot.settings import Settings
from tests.bot.conftest import Chat


@pytest.fixture
async def chat400(db: Database) -> AsyncIterator[Chat]:
    """A conversation stack whose settings keep inactive contacts 400 days."""
    await seed_if_empty(db)
    services = Services(Settings(database_url=db.url, retention_days=400), db=db)
    channel = RecordingChannel("test")
    await services.open()
    services.add_channel(channel)
    yield Chat(services, channel)
    if services.dispatcher is not None:
        await services.dispatcher.close()


async def test_the_privacy_notice_says_how_long_from_the_settings(chat400: Chat) -> None:
    await chat400.say("u1", "bonjour")
    replies = await chat400.say("u1", "oui")
    notice = next(r.text for r in replies if r.text.startswith("🔒"))
    notice = notice.replace("\u202f", " ").replace("\xa0", " ")  # Babel's no-break spaces
    assert "pendant 400 jours" in notice  # exact: never rounded to "1 an"
    assert "Migracoop" in notice and "police" in notice
    assert replies[-1].quick_replies[0].id == "agree"


async def test_the_default_retention_reads_as_years_in_each_language(chat: Chat) -> None:
    expected = {"السلام عليكم": "سنتان", "سلام علیکم": "2 سال", "ሰላም ከመይ ኣለኹም": "2 ዓመታት"}
    for n, (hello, two_years) in enumerate(expected.items()):
        await chat.say(f"u{n}", hello)
        replies = await chat.say(f"u{n}", "1")
        texts = [r.text.replace("\u202f", " ").replace("\xa0", " ") for r in replies]
        assert any(two_years in t for t in texts), (hello, texts)


async def test_before_any_language_nothing_is_in_french(chat: Chat) -> None:
    """Emoji, then a voice note, before the person has said anything in a language: the
    four-language list each time, and a person gets the voice note to listen to."""
    first = await chat.say("u1", "👍👍")
    assert first[0].text.startswith("🌍 Français ? · العربية؟")
    again = await chat.say("u1", "🙂")
    voice = await chat.say("u1", attachments=(Attachment("voice", "file-1", "audio/ogg"),))
    for reply in [*again, *voice]:
        assert reply.text.startswith("👇 1 · 2 · 3 · 4"), reply.text
        assert [q.id for q in reply.quick_replies] == ["fr", "ar", "prs", "ti"]
    async with chat.services.db.connect() as conn:
        reasons = (await conn.execute(select(HandoverTicket.reason))).scalars().all()
    assert reasons == ["voice_message"]
    picked = await chat.say("u1", "3")
    assert picked[0].lang == "prs"


async def test_two_messages_in_another_language_ask_to_switch(chat: Chat) -> None:
    """The previous message's language comes from the message log (the host's lookup)."""
    await chat.say("u1", "bonjour")
    await chat.say("u1", "oui")
    await chat.say("u1", "oui")  # consent: the menu is shown, in French
    first = await chat.say("u1", "عندي سؤال على التعاونية ديالكم")
    assert first[0].lang == "fr"  # one message: still French
    second = await chat.say("u1", "بغيت نفهم كيفاش خدامة التعاونية")
    assert second[-1].lang == "ar" and second[-1].text.startswith("🌍 نكمل بالعربية")
    assert [q.id for q in second[-1].quick_replies] == ["yes", "other"]
    await chat.say("u1", "نعم")
    async with chat.services.db.connect() as conn:
        assert (await conn.execute(select(Contact.lang))).scalar_one() == "ar"
