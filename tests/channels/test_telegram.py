"""Telegram on the wire: PTB against the fake Bot API, our webhook route in front."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telegram import Update

from bot.channels.base import Outcome
from bot.channels.telegram import (
    MAX_CALLBACK_DATA,
    TelegramChannel,
    callback_data,
    to_inbound,
)
from bot.core.messages import OutboundMessage, QuickReply
from tests.channels.conftest import (
    PUBLIC,
    TG_SECRET,
    Stack,
    TelegramHarness,
    channel_settings,
    close_stack,
    make_due,
    open_stack,
    query,
)
from tests.fakes.scripting import HANG, Failure
from tests.fakes.telegram_api import BLOCKED, CHAT_NOT_FOUND, flood
from tests.fakes.webhooks import my_chat_member


def tg(stack: Stack) -> TelegramHarness:
    h = stack.harness("telegram")
    assert isinstance(h, TelegramHarness)
    return h


async def test_start_sets_webhook_with_secret_and_commands(stack: Stack) -> None:
    [hook] = stack.fake_telegram.calls("setWebhook")
    assert hook.params["url"] == PUBLIC + "/webhooks/telegram"
    assert hook.params["secret_token"] == TG_SECRET
    commands = {
        c.params.get("language_code"): c.params["commands"]
        for c in stack.fake_telegram.calls("setMyCommands")
    }
    assert set(commands) == {None, "fr", "ar", "fa", "ti"}
    for lang_commands in commands.values():
        assert [c["command"] for c in lang_commands] == [
            "start",
            "menu",
            "language",
            "help",
            "mydata",
        ]
    assert commands["ar"][0]["description"] != commands["fr"][0]["description"]


async def test_reply_goes_to_the_chat_with_an_inline_keyboard(stack: Stack) -> None:
    h = tg(stack)
    assert await h.say(1, "Bonjour") == 200
    await h.deliver()
    [call] = stack.fake_telegram.sent()
    assert int(call.params["chat_id"]) == h.chat_id(1)
    rows = call.params["reply_markup"]["inline_keyboard"]
    assert len(rows) == 2 and all(len(r) == 1 for r in rows)  # keep French, or another
    for row in rows:
        assert 0 < len(row[0]["callback_data"].encode()) <= MAX_CALLBACK_DATA


async def test_button_press_is_a_choice_and_is_answered(stack: Stack) -> None:
    h = tg(stack)
    await h.say(1, "Bonjour")
    await h.deliver()
    assert await h.press(1, 1) == 200
    await h.deliver()
    for _ in range(50):
        if stack.fake_telegram.calls("answerCallbackQuery"):
            break
        await asyncio.sleep(0.02)
    assert stack.fake_telegram.calls("answerCallbackQuery")
    [inbound] = await query(stack, "SELECT COUNT(*) FROM messages WHERE direction = 'in'")
    assert inbound[0] == 2


def _update(**message: Any) -> Update:
    data = {
        "update_id": 5,
        "message": {
            "message_id": 9,
            "date": int(time.time()),
            "chat": {"id": 42, "type": "private", "first_name": "A"},
            "from": {"id": 42, "is_bot": False, "first_name": "A", "language_code": "fa"},
            **message,
        },
    }
    return Update.de_json(data, None)


def test_deep_link_payload_and_locale_hint() -> None:
    inbound = to_inbound(_update(text="/start coop-culinaire"))
    assert inbound is not None
    assert inbound.text == "/start coop-culinaire" and inbound.payload == "coop-culinaire"
    assert inbound.external_id == "5" and inbound.address == "42"
    assert inbound.locale_hint == "fa"


def test_media_become_attachment_refs() -> None:
    cases = {
        "voice": {"voice": {"file_id": "V1", "file_unique_id": "u", "duration": 3}},
        "image": {
            "photo": [
                {"file_id": "small", "file_unique_id": "a", "width": 9, "height": 9},
                {"file_id": "big", "file_unique_id": "b", "width": 99, "height": 99},
            ]
        },
        "document": {
            "document": {"file_id": "D1", "file_unique_id": "d", "mime_type": "application/pdf"}
        },
        "sticker": {
            "sticker": {
                "file_id": "S1",
                "file_unique_id": "s",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        },
        "location": {"location": {"latitude": 48.8566, "longitude": 2.3522}},
    }
    for kind, fields in cases.items():
        inbound = to_inbound(_update(**fields))
        assert inbound is not None, kind
        [att] = inbound.attachments
        assert att.kind == kind
    photo = to_inbound(_update(**cases["image"]))
    assert photo is not None and photo.attachments[0].ref == "big"


def test_group_chats_and_service_messages_are_ignored() -> None:
    group = Update.de_json(
        {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": -5, "type": "group", "title": "g"},
                "text": "hi",
            },
        },
        None,
    )
    assert to_inbound(group) is None
    assert to_inbound(_update(new_chat_title="x")) is None


def test_long_choice_ids_are_hashed_and_resolved() -> None:
    long_id = "choice-" + "x" * 100
    data = callback_data(QuickReply(long_id, "Label"))
    assert len(data.encode()) <= MAX_CALLBACK_DATA
    assert callback_data(QuickReply("menu.sales", "x")) == "menu.sales"
    update = Update.de_json(
        {
            "update_id": 3,
            "callback_query": {
                "id": "q",
                "chat_instance": "c",
                "data": data,
                "from": {"id": 42, "is_bot": False, "first_name": "A"},
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "text": "t",
                    "chat": {"id": 42, "type": "private"},
                    "reply_markup": {
                        "inline_keyboard": [[{"text": "Label", "callback_data": data}]]
                    },
                },
            },
        },
        None,
    )
    resolved = to_inbound(update, {data: long_id}.get)
    assert resolved is not None and resolved.payload == long_id
    restarted = to_inbound(update)  # the map is gone: the label stands for the choice
    assert restarted is not None and restarted.payload is None and restarted.text == "Label"


def _out(text: str, outbox_id: int | None = None, **kw: Any) -> OutboundMessage:
    return OutboundMessage(
        channel="telegram", address="7000001", text=text, outbox_id=outbox_id, **kw
    )


async def test_long_text_is_split_with_buttons_on_the_last_piece(stack: Stack) -> None:
    text = "\n\n".join(f"Paragraphe {i}. " + "mot " * 150 for i in range(12))
    assert len(text) > 4096
    result = await stack.telegram.send(_out(text, quick_replies=(QuickReply("a", "A"),)))
    assert result.outcome is Outcome.SENT
    calls = stack.fake_telegram.sent()
    assert len(calls) >= 2
    assert all(len(c.params["text"]) <= 4096 for c in calls)
    assert "reply_markup" in calls[-1].params
    assert all("reply_markup" not in c.params for c in calls[:-1])
    assert " ".join(c.params["text"] for c in calls).split() == text.split()


async def test_split_message_resumes_after_failure_without_repeating(stack: Stack) -> None:
    text = "A. " * 1000 + "\n\n" + "B. " * 1000  # two pieces
    fake = stack.fake_telegram
    ok = await stack.telegram.send(_out("warm-up"))  # first call succeeds, then fail the 2nd
    assert ok.outcome is Outcome.SENT
    fake.reset()
    first = await _send_with_failure_on_second(stack, text)
    assert first.outcome is Outcome.RETRY and first.parts_done == 1
    # The outbox keeps the count: the retry (by any sender) resumes at the second piece.
    again = await stack.telegram.send(_out(text, outbox_id=77, parts_done=first.parts_done))
    assert again.outcome is Outcome.SENT
    texts = [c.params["text"] for c in fake.sent()]
    assert len(texts) == 3  # piece 1, piece 2 (failed), piece 2 again
    assert texts[1] == texts[2] and texts[0] != texts[1]


async def _send_with_failure_on_second(stack: Stack, text: str) -> Any:
    fake = stack.fake_telegram
    original = fake.next_failure
    count = {"n": 0}

    def second_fails(method: str, to: str | None = None) -> Failure | None:
        if method == "sendMessage":
            count["n"] += 1
            if count["n"] == 2:
                return Failure(502, "Bad Gateway")
        return original(method, to)

    fake.next_failure = second_fails  # type: ignore[method-assign]
    try:
        return await stack.telegram.send(_out(text, outbox_id=77))
    finally:
        fake.next_failure = original  # type: ignore[method-assign]


async def test_error_mapping(stack: Stack) -> None:
    fake, channel = stack.fake_telegram, stack.telegram
    cases = [
        (flood(7), Outcome.RETRY),
        (Failure(500, "Internal Server Error"), Outcome.RETRY),
        (Failure(502, "Bad Gateway"), Outcome.RETRY),
        (BLOCKED, Outcome.UNREACHABLE),
        (Failure(403, "Forbidden: user is deactivated"), Outcome.UNREACHABLE),
        (CHAT_NOT_FOUND, Outcome.UNREACHABLE),
        (Failure(400, "Bad Request: message text is empty"), Outcome.FAILED),
    ]
    for failure, expected in cases:
        fake.fail("sendMessage", failure)
        result = await channel.send(_out("hello"))
        assert result.outcome is expected, failure
        if failure.retry_after:
            assert result.retry_after == 7


async def test_429_is_retried_after_retry_after(stack: Stack) -> None:
    h = tg(stack)
    stack.fake_telegram.fail("sendMessage", flood(30))
    await h.say(1, "Bonjour")
    before = datetime.now(UTC)
    await h.deliver()
    [row] = await query(stack, "SELECT status, next_attempt_at, last_error FROM outbox")
    assert row.status == "pending" and "429" in row.last_error
    next_at = (
        row.next_attempt_at
        if isinstance(row.next_attempt_at, datetime)
        else datetime.fromisoformat(str(row.next_attempt_at))
    )
    if next_at.tzinfo is None:
        next_at = next_at.replace(tzinfo=UTC)
    assert next_at >= before + timedelta(seconds=29)
    await make_due(stack)
    await h.deliver()
    [row] = await query(stack, "SELECT status FROM outbox")
    assert row.status == "sent"
    assert len(stack.fake_telegram.sent()) == 2  # the refused attempt, then the delivery


async def test_5xx_is_retried(stack: Stack) -> None:
    h = tg(stack)
    stack.fake_telegram.fail(
        "sendMessage", Failure(502, "Bad Gateway"), Failure(500, "Internal Server Error")
    )
    await h.say(1, "Bonjour")
    for _ in range(3):
        await h.deliver()
        await make_due(stack)
    [row] = await query(stack, "SELECT status, attempts FROM outbox")
    assert (row.status, row.attempts) == ("sent", 3)


async def test_blocked_user_becomes_unreachable_and_sends_stop(stack: Stack) -> None:
    h = tg(stack)
    await h.say(1, "Bonjour")
    await h.deliver()
    stack.fake_telegram.fail("sendMessage", BLOCKED)
    await h.press(1, 1)
    await h.deliver()
    [ident] = await query(stack, "SELECT unreachable FROM channel_identities")
    assert ident.unreachable
    calls = len(stack.fake_telegram.sent())
    statuses = {r.status for r in await query(stack, "SELECT status FROM outbox WHERE id > 1")}
    assert statuses == {"failed"}
    await h.say(1, "menu")  # a new message: the user is back, sends resume
    await h.deliver()
    assert len(stack.fake_telegram.sent()) > calls


async def test_no_duplicate_send_after_crash_and_restart(stack: Stack) -> None:
    h = tg(stack)
    update = h.message_update(1, text="Bonjour")
    assert (await h.post(update)).status_code == 200
    # crash: the reply is committed in the outbox but not sent; the process dies
    settings = stack.services.settings
    await close_stack(stack)
    restarted = await open_stack(
        settings, stack.services.db, stack.fake_telegram, stack.fake_twilio
    )
    try:
        h2 = tg(restarted)
        assert (await h2.post(update)).status_code == 200  # Telegram redelivers the update
        await h2.deliver()
        await h2.deliver()
        assert len(stack.fake_telegram.sent()) == 1
        [count] = await query(restarted, "SELECT COUNT(*) FROM outbox")
        assert count[0] == 1
    finally:
        await close_stack(restarted)


async def test_polling_mode_reads_updates_and_replies(
    stack: Stack,
) -> None:
    await close_stack(stack)
    settings = channel_settings(
        stack.services.db,
        stack.fake_telegram,
        stack.fake_twilio,
        telegram_mode="polling",
        public_base_url=None,
    )
    stack.fake_telegram.reset()
    polled = await open_stack(settings, stack.services.db, stack.fake_telegram, stack.fake_twilio)
    try:
        h = tg(polled)
        stack.fake_telegram.queue_update(h.message_update(3, text="Bonjour"))
        for _ in range(200):
            if await h.deliver():
                break
            await asyncio.sleep(0.02)
        assert stack.fake_telegram.calls("deleteWebhook")
        assert not stack.fake_telegram.calls("setWebhook")
        assert [int(c.params["chat_id"]) for c in stack.fake_telegram.sent()] == [h.chat_id(3)]
    finally:
        await close_stack(polled)


async def test_a_hanging_bot_api_call_is_cut_off(stack: Stack) -> None:
    """Both bounds hold: PTB's transport (aiohttp read timeout) and the channel's own."""
    from telegram.error import TimedOut

    settings = channel_settings(
        stack.services.db,
        stack.fake_telegram,
        stack.fake_twilio,
        outbox_send_timeout_seconds=0.5,
    )
    channel = TelegramChannel(settings, handle=stack.services.handle, text=stack.services.text)
    try:
        await channel.send(_out("warm-up"))  # getMe and a first send, answered at once
        stack.fake_telegram.delay(HANG, to="7000001")
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        result = await channel.send(_out("hello"))
        assert result.outcome is Outcome.RETRY and result.error == "timeout"
        assert loop.time() - t0 < 3
        t0 = loop.time()
        with pytest.raises(TimedOut):  # the transport alone, without the channel's bound
            await channel.bot.send_message(chat_id=7000001, text="direct")
        assert loop.time() - t0 < 3
        other = OutboundMessage(channel="telegram", address="7000002", text="fine")
        assert (await channel.send(other)).outcome is Outcome.SENT
    finally:
        await channel.stop()


async def test_my_chat_member_blocks_and_unblocks(stack: Stack) -> None:
    h = tg(stack)
    assert await h.say(1, "Bonjour") == 200
    user = h.chat_id(1) - 7_000_000
    for status, unreachable in (("kicked", True), ("member", False), ("left", True)):
        r = await h.post(json.dumps(my_chat_member(user, status)).encode())
        assert r.status_code == 200
        [ident] = await query(stack, "SELECT unreachable FROM channel_identities")
        assert bool(ident.unreachable) is unreachable, status
    # Someone we never met blocks the bot: acknowledged, nothing stored.
    assert (await h.post(json.dumps(my_chat_member(999, "kicked")).encode())).status_code == 200
    [count] = await query(stack, "SELECT COUNT(*) FROM channel_identities")
    assert count[0] == 1
    # Writing again makes them reachable.
    assert await h.say(1, "menu") == 200
    [ident] = await query(stack, "SELECT unreachable FROM channel_identities")
    assert not ident.unreachable
