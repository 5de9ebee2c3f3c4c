"""Messages with no language in them ("ok", "👍", "menu", "bye bye", "salam", "ههههههه"),
which the NLU reads `und` or cannot place: a contact whose language is known is answered in
it, and stays in it — also right after a restart, when the dispatcher has not yet seen the
contact (no known language passed to the NLU). This is what `bench/nlu.py` counts as the
language "as the bot answers"."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.channels.recording import RecordingChannel
from bot.db.models import Contact
from bot.db.session import Database
from bot.services import Services
from bot.settings import Settings
from tests.bot.conftest import Chat
from tests.bot.test_journeys_conversation import onboard

WORDS = ["ok", "👍", "menu", "bye bye", "salam"]
ARABIC_SCRIPT = ["ههههههه", "👍👍 ok"]


@pytest.mark.parametrize("lang", ["fr", "ar", "prs", "ti"])
async def test_no_language_in_a_message_keeps_the_contact_s(
    chat: Chat, db: Database, lang: str
) -> None:
    await onboard(chat, "u1", lang)
    words = WORDS + (ARABIC_SCRIPT if lang in ("ar", "prs") else [])
    for word in words:
        replies = await chat.say("u1", word)
        assert replies, word
        assert {r.lang for r in replies} == {lang}, (word, [r.text for r in replies])
    # A restart: a new dispatcher, which knows nothing of the contact yet.
    assert chat.services.dispatcher is not None
    await chat.services.dispatcher.close()
    services = Services(Settings(database_url=db.url), db=db)
    channel = RecordingChannel("test")
    await services.open()
    services.add_channel(channel)
    again = Chat(services, channel)
    try:
        for word in words:
            replies = await again.say("u1", word)
            assert replies, word
            assert {r.lang for r in replies} == {lang}, (word, [r.text for r in replies])
    finally:
        if services.dispatcher is not None:
            await services.dispatcher.close()
    async with db.connect() as conn:
        assert (await conn.execute(select(Contact.lang))).scalar_one() == lang
