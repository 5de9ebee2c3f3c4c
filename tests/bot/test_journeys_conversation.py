"""Workshops and "talk to a person" through the whole stack (dispatcher, NLU, engine,
database, outbox), in each of the four languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Connection, text

from bot.db.repos import handover, workshops
from tests.bot.conftest import Chat

# Per language: the first message, then words the replies must contain.
LANGS = {
    "fr": ("bonjour", "oui", "Merci", "transmis"),
    "ar": ("السلام عليكم", "نعم", "شكرًا", "رسالتكم"),
    "prs": ("سلام علیکم", "بلی", "تشکر", "پیام شما"),
    "ti": ("ሰላም", "እወ", "የቐንየልና", "መልእኽትኹም"),
}


async def onboard(chat: Chat, address: str, lang: str) -> None:
    """Onboarding with the buttons: the language, then yes to keeping answers."""
    await chat.say(address, LANGS[lang][0])
    await chat.say(address, payload=lang)
    replies = await chat.say(address, payload="agree")
    assert replies and replies[-1].quick_replies[0].id == "learn", (lang, replies[-1].text)


async def add_workshops(chat: Chat) -> list[int]:
    now = datetime.now(UTC)

    def add(conn: Connection) -> list[int]:
        return [
            workshops.add_workshop(
                conn,
                titles={"fr": title, "ar": f"ورشة {n}"},
                starts_at=now + timedelta(days=days),
                place="Maison des associations, Paris 18e",
                langs=("fr", "ar"),
                now=now,
            )
            for n, (title, days) in enumerate((("Vendre au marché", 40), ("La CAE", 3)))
        ]

    return await chat.services.db.run(add)


@pytest.mark.parametrize("lang", sorted(LANGS))
async def test_workshops_list_detail_and_coming(chat: Chat, lang: str) -> None:
    _later, sooner = await add_workshops(chat)
    await onboard(chat, "u1", lang)
    listed = await chat.say("u1", "5")
    assert len(listed) == 2 and listed[0].text.startswith("📅")
    # The next first, numbered; each with its day in words.
    assert listed[0].text.index("1️⃣") < listed[0].text.index("2️⃣")
    first, second = listed[0].text.split("2️⃣")
    assert "Paris 18e" in first and "Paris 18e" in second
    assert "Français, العربية" in first  # the languages spoken, in their own names
    if lang == "ar":
        assert "ورشة 1" in first and "ورشة 0" in second  # the Arabic titles
    else:
        assert "La CAE" in first and "Vendre au marché" in second
    detail = await chat.say("u1", "١" if lang == "ar" else "1")
    assert detail[0].text.startswith("📅") and "Paris 18e" in detail[0].text
    assert [q.id for q in detail[-1].quick_replies] == ["come", "cannot", "others", "menu"]
    thanks = await chat.say("u1", "1")
    assert thanks[0].text.startswith("🙏") and LANGS[lang][2] in thanks[0].text
    # A way on: the other workshops or the menu (not a dead end).
    assert [q.id for q in thanks[-1].quick_replies] == ["others", "menu"]
    async with chat.services.db.connect() as conn:
        answers = (await conn.execute(text("SELECT workshop_id, answer FROM workshop_rsvps"))).all()
        keys = (await conn.execute(text("SELECT key FROM scheduled_jobs"))).scalars().all()
    assert [tuple(a) for a in answers] == [(sooner, "yes")]
    assert sorted(k.rsplit(":", 1)[1] for k in keys) == ["24h", "2h"]
    # Back in the list, the workshop is marked ✅; saying "I can't" stops the reminders.
    relisted = await chat.say("u1", "1")
    assert "✅" in relisted[0].text.split("2️⃣")[0]
    await chat.say("u1", "1")
    cannot = await chat.say("u1", "2")
    assert cannot[0].text.startswith("👍")
    assert [q.id for q in cannot[-1].quick_replies] == ["others", "menu"]
    menu = await chat.say("u1", "2")
    assert menu[-1].quick_replies[0].id == "learn"
    async with chat.services.db.connect() as conn:
        statuses = (await conn.execute(text("SELECT status FROM scheduled_jobs"))).scalars().all()
    assert set(statuses) == {"cancelled"}


async def test_no_workshop_says_so(chat: Chat) -> None:
    await onboard(chat, "u1", "fr")
    replies = await chat.say("u1", "5")
    assert replies[0].text.startswith("📅 Aucun atelier")
    assert replies[-1].quick_replies[0].id == "learn"  # and the menu again


async def test_a_number_out_of_the_list(chat: Chat) -> None:
    await add_workshops(chat)
    await onboard(chat, "u1", "fr")
    await chat.say("u1", "5")
    replies = await chat.say("u1", "7")
    assert replies[0].text.startswith("😕") and "1️⃣" in replies[1].text


@pytest.mark.parametrize("lang", sorted(LANGS))
async def test_talk_to_a_person_and_wait_for_them(chat: Chat, lang: str) -> None:
    await onboard(chat, "u1", lang)
    requested = await chat.say("u1", "6")
    assert len(requested) == 1 and requested[0].text.startswith("🙋")
    assert "⏰" in requested[0].text  # when someone will answer
    # What they write now goes to the person: the bot does not answer over them.
    passed = await chat.say("u1", "comment ouvrir un compte en banque ?")
    assert passed[0].text.startswith("📨") and LANGS[lang][3] in passed[0].text
    passed = await chat.say("u1", "2")  # not a menu choice here: a message for the person
    assert passed[0].text.startswith("📨")
    async with chat.services.db.connect() as conn:
        tickets = (await conn.execute(text("SELECT status FROM handover_tickets"))).all()
    assert [t.status for t in tickets] == ["open"]
    # Asking again says it is already noted; a global command leaves.
    again = await chat.say("u1", "/human")
    assert again[0].text.startswith("🙋") and len(tickets) == 1
    menu = await chat.say("u1", "/menu")
    assert menu[-1].quick_replies[0].id == "learn"


async def test_the_persons_answer_and_the_end_of_the_request(chat: Chat) -> None:
    await onboard(chat, "u1", "fr")
    await chat.say("u1", "6")
    await chat.say("u1", "/menu")  # gone elsewhere meanwhile
    async with chat.services.db.connect() as conn:
        ticket = (await conn.execute(text("SELECT id FROM handover_tickets"))).scalar_one()
    catalog = chat.services.catalog()
    now = datetime.now(UTC)
    await chat.services.db.run(
        handover.reply, ticket, "Bonjour, je suis Nadia.", "Nadia", now, catalog
    )
    await chat.deliver()
    assert chat.channel.sent[-1].text.endswith("Bonjour, je suis Nadia.")
    # Their answer goes to the person (their chat waits for the person again).
    assert (await chat.say("u1", "merci Nadia"))[0].text.startswith("📨")
    await chat.services.db.run(handover.close, ticket, now, catalog)
    await chat.deliver()
    assert chat.channel.sent[-1].text.startswith("✅")
    assert (await chat.say("u1", "1"))[0].text.startswith("📚")  # the menu answers again
