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
    # Choice 1 keeps the guessed language; "no" leads to the others.
    assert [q.title for q in replies[0].quick_replies] == ["✅ Oui, en français", "🌍 Autre langue"]


async def test_onboarding_to_menu(chat: Chat) -> None:
    await chat.say("u1", "bonjour")
    replies = await chat.say("u1", "1")
    assert "Migracoop" in replies[0].text
    assert "2 ans" in replies[1].text  # how long messages are kept: RETENTION_DAYS (730)
    assert replies[-1].quick_replies[0].id == "agree"
    replies = await chat.say("u1", "oui")
    assert replies[-1].quick_replies[0].id == "learn"
    async with chat.services.db.connect() as conn:
        contact = (await conn.execute(select(Contact.lang, Contact.consent))).one()
    assert contact.lang == "fr" and contact.consent is True


GLOBAL_WORDS = {
    "menu": ["menu", "القائمة", "مینو", "ዝርዝር"],
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
    """At the consent question of a French speaker: the menu and "my data" wait for the
    answer (noted); the language can change — to the one the word is written in."""
    await chat.say("u1", "bonjour")
    await chat.say("u1", "1")  # now in the middle of the consent question
    replies = await chat.say("u1", word)
    ids = [q.id for q in replies[-1].quick_replies]
    if command == "language":
        # The list, in French; or, for a word the NLU reads clearly in another language,
        # the question whether to continue in that language, asked in it.
        if ids == ["yes", "other"]:
            assert replies[-1].lang != "fr", (word, replies[-1].text)
        expected = ["fr", "ar", "prs", "ti"] if replies[-1].lang == "fr" else ["yes", "other"]
    else:
        expected = ["agree", "refuse"]
        assert replies[-1].text.startswith("📌"), (word, replies[-1].text)
    assert ids == expected, (word, replies[-1].text)
    replies = await chat.say("u1", "oui" if command != "language" else "1")
    opened = {"menu": "learn", "my_data": "show", "language": "agree"}[command]
    assert replies[-1].quick_replies[0].id == opened, (word, replies[-1].text)


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
