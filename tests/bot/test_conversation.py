"""Whole conversations through dispatcher, NLU, engine, database and outbox."""

from __future__ import annotations

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
