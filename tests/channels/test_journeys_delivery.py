"""Journeys through the real channels and fakes: module audio as a voice message on both
platforms, reminders outside WhatsApp's 24-hour window as the "reminder" template, and a
person's answer to a request (held on WhatsApp when no template may carry it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection, text

from bot.core.messages import Attachment
from bot.db.repos import handover, workshops
from bot.delivery.outbox import OutboxRow, enqueue
from bot.delivery.payload import Payload
from bot.delivery.scheduler import Scheduler
from bot.web.media import MediaLinks
from tests.channels.conftest import (
    PUBLIC,
    Stack,
    TelegramHarness,
    WhatsAppHarness,
    channel_settings,
    close_stack,
    make_due,
    open_stack,
    query,
)
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.twilio_api import FakeTwilio

PARIS = ZoneInfo("Europe/Paris")
OGG = b"OggS\x00\x02" + b"\x00" * 200


@pytest.fixture
def media_dir(tmp_path: Path) -> Path:
    root = tmp_path / "media"
    (root / "coop").mkdir(parents=True)
    (root / "coop" / "intro.fr.ogg").write_bytes(OGG)
    return root


async def contact_of(stack: Stack, address: str) -> int:
    rows = await query(
        stack, "SELECT contact_id FROM channel_identities WHERE address = :a", a=address
    )
    return int(rows[0].contact_id)


async def voice_message(stack: Stack, channel: str, address: str) -> None:
    cid = await contact_of(stack, address)
    payload = Payload("🎧 La coopérative", "fr", (), (Attachment("audio", "coop/intro.fr.ogg"),))
    await stack.services.db.run(
        lambda conn: enqueue(conn, [OutboxRow(cid, channel, address, payload, datetime.now(UTC))])
    )
    assert stack.services.sender is not None
    await stack.services.sender.drain()


async def test_module_audio_is_a_voice_message_on_both_platforms(
    stack: Stack, media_dir: Path
) -> None:
    stack.services.media.media_dir = media_dir
    tg = stack.harness("telegram")
    wa = stack.harness("whatsapp")
    assert isinstance(tg, TelegramHarness) and isinstance(wa, WhatsAppHarness)
    await tg.say(1, "bonjour")
    await wa.say(1, "bonjour")
    await voice_message(stack, "telegram", str(tg.chat_id(1)))
    await voice_message(stack, "whatsapp", wa.number(1))
    (voice,) = [c for c in stack.fake_telegram.calls() if c.method == "sendVoice"]
    assert str(voice.params["voice"]).startswith(PUBLIC + "/media/coop/intro.fr.ogg?exp=")
    sent = stack.fake_twilio.sent()[-1]
    url = sent.params["MediaUrl"]
    assert url.startswith(PUBLIC + "/media/coop/intro.fr.ogg?exp=")
    # Twilio fetches it from our public URL: the link works, with the audio's type.
    parts = urlsplit(url)
    fetched = await stack.client.get(f"{parts.path}?{parts.query}")
    assert fetched.status_code == 200 and fetched.content == OGG
    assert fetched.headers["content-type"] == "audio/ogg"


async def test_without_a_public_url_telegram_uploads_the_recording(
    stack: Stack, media_dir: Path
) -> None:
    local = MediaLinks(lambda: "k", None, media_dir)
    assert stack.services.sender is not None
    stack.services.sender.prepare = local.prepare
    tg = stack.harness("telegram")
    assert isinstance(tg, TelegramHarness)
    await tg.say(2, "bonjour")
    await voice_message(stack, "telegram", str(tg.chat_id(2)))
    (voice,) = [c for c in stack.fake_telegram.calls() if c.method == "sendVoice"]
    assert voice.params["voice"] == {"filename": "intro.fr.ogg", "size": len(OGG)}


@pytest.fixture
async def templated(db: object, fake_telegram: FakeTelegram, fake_twilio: FakeTwilio) -> Stack:
    from bot.core.content import seed_if_empty
    from bot.db.session import Database

    assert isinstance(db, Database)
    await seed_if_empty(db)
    fake_telegram.reset()
    fake_twilio.reset()
    settings = channel_settings(
        db, fake_telegram, fake_twilio, twilio_templates={"reminder.fr": "HXreminder"}
    )
    return await open_stack(settings, db, fake_telegram, fake_twilio)


async def test_a_whatsapp_reminder_outside_the_window_goes_as_the_template(
    templated: Stack,
) -> None:
    stack = templated
    try:
        wa = stack.harness("whatsapp")
        assert isinstance(wa, WhatsAppHarness)
        await wa.say(3, "bonjour")
        await wa.deliver()  # the greeting goes now: only the reminder is left to send
        cid = await contact_of(stack, wa.number(3))
        three_days_ago = datetime.now(UTC) - timedelta(days=3)
        async with stack.services.db.begin() as conn:
            await conn.execute(
                text("UPDATE channel_identities SET last_inbound_at = :t"), {"t": three_days_ago}
            )
        starts = datetime(2030, 1, 15, 14, 30, tzinfo=PARIS)

        def plan(conn: Connection) -> None:
            ws = workshops.add_workshop(
                conn,
                titles={"fr": "Vendre au marché"},
                starts_at=starts,
                place="Marché de Belleville",
                langs=("fr",),
                now=three_days_ago,
            )
            workshops.answer(
                conn, workshop_id=ws, contact_id=cid, coming=True, now=three_days_ago, tz=PARIS
            )

        await stack.services.db.run(plan)
        day_before = datetime(2030, 1, 14, 14, 30, tzinfo=PARIS)
        scheduler = Scheduler(
            stack.services.db, stack.services.catalog, PARIS, clock=lambda: day_before
        )
        assert (await scheduler.tick()).sent == 1
        await make_due(stack)
        before = len(stack.fake_twilio.sent())
        assert stack.services.sender is not None
        await stack.services.sender.drain()
        (call,) = stack.fake_twilio.sent()[before:]
        assert call.params["ContentSid"] == "HXreminder" and "Body" not in call.params
        assert "Vendre au marché" in call.params["ContentVariables"]
        assert "demain" in call.params["ContentVariables"]
    finally:
        await close_stack(stack)


async def ask_for_a_person(
    stack: Stack, harness: TelegramHarness | WhatsAppHarness, user: int
) -> int:
    for line in ("bonjour", "1", "oui", "6"):
        await harness.say(user, line)
    await harness.deliver()
    address = (
        str(harness.chat_id(user)) if isinstance(harness, TelegramHarness) else harness.number(user)
    )
    cid = await contact_of(stack, address)
    rows = await query(stack, "SELECT id FROM handover_tickets WHERE contact_id = :c", c=cid)
    return int(rows[-1].id)


async def test_a_persons_answer_reaches_the_chat_or_is_held(stack: Stack) -> None:
    tg = stack.harness("telegram")
    wa = stack.harness("whatsapp")
    assert isinstance(tg, TelegramHarness) and isinstance(wa, WhatsAppHarness)
    tg_request = await ask_for_a_person(stack, tg, 4)
    wa_request = await ask_for_a_person(stack, wa, 4)
    async with stack.services.db.begin() as conn:  # the WhatsApp user wrote 2 days ago
        await conn.execute(
            text("UPDATE channel_identities SET last_inbound_at = :t WHERE channel = 'whatsapp'"),
            {"t": datetime.now(UTC) - timedelta(days=2)},
        )
    catalog = stack.services.catalog()
    for request in (tg_request, wa_request):
        await stack.services.db.run(
            handover.reply,
            request,
            "Bonjour, je vous appelle demain.",
            "Nadia",
            datetime.now(UTC),
            catalog,
        )
    assert stack.services.sender is not None
    await stack.services.sender.drain()
    said = tg.replies(4)[-1].text
    assert said.startswith("🙋 Une personne de Migracoop vous répond")
    assert said.endswith("Bonjour, je vous appelle demain.")
    listed = {r.id: r for r in await stack.services.db.run(handover.list_requests)}
    assert (
        listed[tg_request].status == "answered" and listed[tg_request].last_reply_status == "sent"
    )
    assert listed[wa_request].last_reply_status == "held"
    assert listed[tg_request].assigned_to == "Nadia"
    # Their next messages wait for the person; closing tells them and frees the menu.
    sessions = await query(stack, "SELECT session FROM contacts")
    assert all("waiting" in str(s.session) for s in sessions)
    await stack.services.db.run(handover.close, tg_request, datetime.now(UTC), catalog)
    await stack.services.sender.drain()
    assert tg.replies(4)[-1].text.startswith("✅")
    assert tg_request not in {r.id for r in await stack.services.db.run(handover.list_requests)}
