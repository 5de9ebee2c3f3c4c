"""WhatsApp on the wire: twilio's async client against the fake REST API, signed webhooks."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from bot.channels.base import Outcome
from bot.channels.whatsapp import WhatsAppChannel
from bot.core.messages import OutboundMessage, QuickReply
from bot.core.render import KEYCAPS
from bot.db.models import ChannelIdentity, Outbox
from tests.channels.conftest import (
    PUBLIC,
    Stack,
    WhatsAppHarness,
    channel_settings,
    make_due,
    query,
    sign,
)
from tests.fakes.scripting import HANG, Failure
from tests.fakes.twilio_api import (
    BAD_NUMBER,
    OUTSIDE_WINDOW,
    SENDER,
    SERVER_ERROR,
    TOO_MANY,
    UNSUBSCRIBED,
)


def wa(stack: Stack) -> WhatsAppHarness:
    h = stack.harness("whatsapp")
    assert isinstance(h, WhatsAppHarness)
    return h


def _out(
    text: str = "Bonjour",
    *,
    hours_ago: float | None = 1,
    outbox_id: int | None = None,
    lang: str = "fr",
    **kw: Any,
) -> OutboundMessage:
    last = None if hours_ago is None else datetime.now(UTC) - timedelta(hours=hours_ago)
    return OutboundMessage(
        channel="whatsapp",
        address="+33612340001",
        text=text,
        lang=lang,
        last_inbound_at=last,
        outbox_id=outbox_id,
        **kw,
    )


async def test_reply_is_a_numbered_list_from_our_sender(stack: Stack) -> None:
    h = wa(stack)
    response = await h.post("/webhooks/whatsapp", h.form(1, Body="Bonjour"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    await h.deliver()
    [call] = stack.fake_twilio.sent()
    assert call.params["To"] == f"whatsapp:{h.number(1)}"
    assert call.params["From"] == SENDER
    assert call.params["StatusCallback"] == PUBLIC + "/webhooks/whatsapp/status"
    body = call.params["Body"]
    assert f"\n\n{KEYCAPS[0]} " in body and f"\n{KEYCAPS[1]} " in body
    assert call.headers["authorization"].startswith("Basic ")


@pytest.mark.parametrize("answer", ["2", "٢", "۲", "2️⃣"])
async def test_any_digit_picks_the_choice(stack: Stack, answer: str) -> None:
    h = wa(stack)
    await h.say(1, "Bonjour")
    await h.deliver()
    await h.say(1, answer)  # the second language of the picker: Arabic
    await h.deliver()
    replies = h.replies(1)
    assert len(replies) >= 2
    assert any("\u0600" <= ch <= "\u06ff" for ch in replies[1].text), replies[1]


async def test_duplicate_message_sid_has_no_effect(stack: Stack) -> None:
    h = wa(stack)
    form = h.form(1, Body="Bonjour")
    assert (await h.post("/webhooks/whatsapp", form)).status_code == 200
    assert (await h.post("/webhooks/whatsapp", form)).status_code == 200
    await h.deliver()
    assert len(stack.fake_twilio.sent()) == 1
    [count] = await query(stack, "SELECT COUNT(*) FROM messages WHERE direction = 'in'")
    assert count[0] == 1


async def test_media_are_kept_as_references(stack: Stack) -> None:
    h = wa(stack)
    await h.say(1, "Bonjour")
    url = "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM1/Media/ME1"
    form = h.form(1, NumMedia="1", MediaUrl0=url, MediaContentType0="image/jpeg")
    assert (await h.post("/webhooks/whatsapp", form)).status_code == 200
    await h.deliver()
    [row] = await query(
        stack, "SELECT attachments FROM messages WHERE direction = 'in' AND attachments IS NOT NULL"
    )
    assert url in str(row.attachments)
    assert h.replies(1)[-1].text  # "I read only text" in the user's language


async def test_status_callback_is_recorded(stack: Stack) -> None:
    h = wa(stack)
    await h.say(1, "Bonjour")
    await h.deliver()
    [row] = await query(stack, "SELECT provider_id FROM outbox")
    status = {
        "AccountSid": h.form(1)["AccountSid"],
        "MessageSid": row.provider_id,
        "MessageStatus": "undelivered",
        "ErrorCode": "63016",
    }
    forged = await h.post("/webhooks/whatsapp/status", status, signature="bad")
    assert forged.status_code == 403
    response = await h.post("/webhooks/whatsapp/status", status)
    assert response.status_code in (200, 204)
    [row] = await query(stack, "SELECT status, provider_status, last_error FROM outbox")
    assert (row.status, row.provider_status) == ("failed", "undelivered")
    assert "63016" in row.last_error


async def _age_window(stack: Stack, hours: float) -> None:
    """The user's last message, and the one the queued replies answer, `hours` ago."""
    then = datetime.now(UTC) - timedelta(hours=hours)
    async with stack.services.db.begin() as conn:
        await conn.execute(update(ChannelIdentity.__table__).values(last_inbound_at=then))
        await conn.execute(update(Outbox.__table__).values(inbound_at=then))


async def test_outside_the_window_a_reply_is_held(stack: Stack) -> None:
    h = wa(stack)
    await h.say(1, "Bonjour")
    await _age_window(stack, 25)
    await h.deliver()
    assert stack.fake_twilio.sent() == []
    [row] = await query(stack, "SELECT status, last_error FROM outbox")
    assert row.status == "held" and "24-hour" in row.last_error


async def test_outside_the_window_a_configured_template_goes(stack: Stack) -> None:
    settings = channel_settings(
        stack.services.db,
        stack.fake_telegram,
        stack.fake_twilio,
        twilio_templates={"reply.fr": "HX" + "1" * 32},
    )
    channel = WhatsAppChannel(
        settings, handle=stack.services.handle, on_status=stack.services.record_status
    )
    try:
        result = await channel.send(_out("Rappel : atelier demain", hours_ago=30))
        assert result.outcome is Outcome.SENT
        [call] = stack.fake_twilio.sent()
        assert call.params["ContentSid"] == "HX" + "1" * 32
        assert "Rappel" in call.params["ContentVariables"]
        assert "Body" not in call.params
        held = await channel.send(_out("Bonjour", hours_ago=None, lang="ar"))
        assert held.outcome is Outcome.HELD
    finally:
        await channel.stop()


async def test_quick_reply_template_when_configured(stack: Stack) -> None:
    settings = channel_settings(
        stack.services.db,
        stack.fake_telegram,
        stack.fake_twilio,
        twilio_quick_reply_templates={"2": "HX" + "2" * 32},
    )
    channel = WhatsAppChannel(
        settings, handle=stack.services.handle, on_status=stack.services.record_status
    )
    try:
        replies = (QuickReply("yes", "✅ Oui"), QuickReply("no", "❌ Non"))
        await channel.send(_out("On continue ?", quick_replies=replies))
        [call] = stack.fake_twilio.sent()
        assert call.params["ContentSid"] == "HX" + "2" * 32
        assert '"3": "yes"' in call.params["ContentVariables"]
        await channel.send(_out("Trois ?", quick_replies=(*replies, QuickReply("m", "Menu"))))
        assert "Body" in stack.fake_twilio.sent()[-1].params  # no 3-button template: a list
    finally:
        await channel.stop()


async def test_long_bodies_are_split(stack: Stack) -> None:
    text = "\n\n".join("Une phrase assez longue pour remplir. " * 12 for _ in range(6))
    assert len(text) > 1600
    result = await stack.whatsapp.send(_out(text, quick_replies=(QuickReply("a", "Oui"),)))
    assert result.outcome is Outcome.SENT
    bodies = stack.fake_twilio.bodies()
    assert len(bodies) >= 2 and all(len(b) <= 1600 for b in bodies)
    assert bodies[-1].endswith(f"{KEYCAPS[0]} Oui")


async def test_error_mapping(stack: Stack) -> None:
    cases = [
        (TOO_MANY, Outcome.RETRY),
        (SERVER_ERROR, Outcome.RETRY),
        (Failure(503, "Service Unavailable", code=20503), Outcome.RETRY),
        (OUTSIDE_WINDOW, Outcome.HELD),
        (UNSUBSCRIBED, Outcome.UNREACHABLE),
        (Failure(400, "Unreachable", code=63003), Outcome.UNREACHABLE),
        (BAD_NUMBER, Outcome.FAILED),
    ]
    for failure, expected in cases:
        stack.fake_twilio.fail("messages", failure)
        result = await stack.whatsapp.send(_out())
        assert result.outcome is expected, failure


async def test_429_and_5xx_are_retried_then_sent(stack: Stack) -> None:
    h = wa(stack)
    stack.fake_twilio.fail("messages", TOO_MANY, SERVER_ERROR)
    await h.say(1, "Bonjour")
    for _ in range(3):
        await h.deliver()
        await make_due(stack)
    [row] = await query(stack, "SELECT status, attempts, provider_id FROM outbox")
    assert (row.status, row.attempts) == ("sent", 3)
    assert row.provider_id.startswith("SM")


async def test_unsubscribed_user_is_unreachable(stack: Stack) -> None:
    h = wa(stack)
    stack.fake_twilio.fail("messages", UNSUBSCRIBED)
    await h.say(1, "Bonjour")
    await h.deliver()
    [ident] = await query(stack, "SELECT unreachable FROM channel_identities")
    assert ident.unreachable


def test_signature_is_checked_against_the_public_url() -> None:
    params = {"MessageSid": "SM1", "From": "whatsapp:+33600000000", "Body": "salut"}
    good = sign(PUBLIC + "/webhooks/whatsapp", params)
    internal = sign("http://127.0.0.1:8000/webhooks/whatsapp", params)
    assert good != internal


async def test_a_hanging_twilio_call_is_cut_off(stack: Stack) -> None:
    """twilio's own client passes timeout=None (no timeout at all in aiohttp); ours bounds
    every call, and the channel bounds the send as well."""
    settings = channel_settings(
        stack.services.db,
        stack.fake_telegram,
        stack.fake_twilio,
        outbox_send_timeout_seconds=0.5,
    )
    channel = WhatsAppChannel(
        settings, handle=stack.services.handle, on_status=stack.services.record_status
    )
    try:
        stack.fake_twilio.delay(HANG, to="whatsapp:+33612340001")
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        result = await channel.send(_out("Bonjour"))
        assert result.outcome is Outcome.RETRY and result.error == "timeout"
        assert loop.time() - t0 < 3
        t0 = loop.time()
        with pytest.raises(TimeoutError):  # the transport alone
            await channel.client().messages.create_async(
                to="whatsapp:+33612340001", from_=SENDER, body="direct"
            )
        assert loop.time() - t0 < 3
        other = replace(_out("Salut"), address="+33612340002")
        assert (await channel.send(other)).outcome is Outcome.SENT
    finally:
        await channel.stop()


async def test_a_user_who_blocked_the_business_becomes_unreachable(stack: Stack) -> None:
    h = wa(stack)
    await h.say(1, "Bonjour")
    await h.deliver()
    [row] = await query(stack, "SELECT provider_id FROM outbox")
    status = {
        "AccountSid": h.form(1)["AccountSid"],
        "MessageSid": row.provider_id,
        "MessageStatus": "failed",
        "ErrorCode": "63014",
    }
    assert (await h.post("/webhooks/whatsapp/status", status)).status_code == 204
    [ident] = await query(stack, "SELECT unreachable FROM channel_identities")
    assert ident.unreachable


async def _everything_stored(stack: Stack) -> str:
    """Every row of every table, as text."""
    from bot.db.base import Base

    out = []
    for table in Base.metadata.sorted_tables:
        out += [repr(tuple(r)) for r in await query(stack, f"SELECT * FROM {table.name}")]
    return "\n".join(out)


async def test_erasure_delivers_the_confirmation_then_keeps_nothing(stack: Stack) -> None:
    """WhatsApp, "my data" -> delete while an export waits to be sent: the export is
    dropped, the confirmation arrives (inside the 24-hour window, with the identity already
    gone), and no row anywhere keeps the number or a text of theirs."""
    h = wa(stack)
    for text in ("Bonjour", "1", "oui", "projet-couture-42", "mes données"):
        await h.say(1, text)
        await h.deliver()
    await h.say(1, "2")  # the export: queued, full of their conversation, not sent yet
    # (then the "my data" list again)
    export, _ = await query(
        stack, "SELECT status, payload FROM outbox WHERE status = 'pending' ORDER BY id"
    )
    assert "projet-couture-42" in str(export.payload)
    sent_before = len(stack.fake_twilio.sent())
    for text in ("mes données", "3", "1"):  # delete, yes
        await h.say(1, text)
    await h.deliver()
    bodies = stack.fake_twilio.bodies()[sent_before:]
    assert bodies and "effacé" in bodies[-1]
    assert not any("📦" in b for b in bodies)  # the export was dropped, not sent
    assert await query(stack, "SELECT id FROM outbox") == []
    stored = await _everything_stored(stack)
    assert h.number(1) not in stored and "projet-couture-42" not in stored
