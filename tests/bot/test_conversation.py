"""Whole conversations through dispatcher, NLU, engine, database and outbox."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import Contact
from tests.bot.conftest import Chat


async def test_first_message_in_french_gets_french_confirmation(chat: Chat) -> None:
    replies = await chat.say("u1", "bonjour")
    assert len(replies) == 1
    assert "français" in replies[0].text
    assert [q.title for q in replies[0].quick_replies][1:] == ["العربية", "دری", "ትግርኛ"]


async def test_onboarding_to_menu(chat: Chat) -> None:
    await chat.say("u1", "bonjour")
    replies = await chat.say("u1", "1")
    assert "Migracoop" in replies[0].text
    assert replies[-1].quick_replies[0].id == "yes"
    replies = await chat.say("u1", "oui")
    assert replies[-1].quick_replies[0].id == "learn"
    async with chat.services.db.connect() as conn:
        contact = (await conn.execute(select(Contact.lang, Contact.consent))).one()
    assert contact.lang == "fr" and contact.consent is True


GLOBAL_WORDS = {
    "menu": ["menu", "القائمة", "منو", "ዝርዝር"],
    "language": ["langue", "لغة", "زبان", "ቋንቋ"],
    "my_data": ["mes données", "بياناتي", "معلومات من", "ሓበሬታይ"],
}


@pytest.mark.parametrize(
    ("command", "word"),
    [(c, w) for c, words in GLOBAL_WORDS.items() for w in words],
)
async def test_global_commands_as_typed_words_in_every_language(
    chat: Chat, command: str, word: str
) -> None:
    await chat.say("u1", "bonjour")
    await chat.say("u1", "1")  # now in the middle of the consent question
    replies = await chat.say("u1", word)
    ids = [q.id for q in replies[-1].quick_replies]
    expected = {"menu": "learn", "language": "fr", "my_data": "show"}[command]
    assert ids and ids[0] == expected, (word, replies[-1].text)


@pytest.mark.parametrize(
    ("sentence", "part"),
    [
        ("je veux noter mes ventes", "💶"),
        ("بغيت نسجل المبيعات ديال اليوم", "💶"),
        ("c'est quoi une cooperative", "📚"),
        ("ورکشاپ بعدی کی است", "📅"),
    ],
)
async def test_a_sentence_works_where_the_menu_is_shown(
    chat: Chat, sentence: str, part: str
) -> None:
    await chat.say("u1", "bonjour")
    await chat.say("u1", "1")
    await chat.say("u1", "oui")  # the main menu is shown
    replies = await chat.say("u1", sentence)
    assert replies[0].text.startswith(part), (sentence, replies[0].text)
